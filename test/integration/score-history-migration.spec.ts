import { DataSource } from 'typeorm';
import { store } from '../support/outbox.builders';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';

/** Migration 1765010000000 (returned payments, the credit score's history): its trigger, then down and up again. */
describe('the bounced-payments and score-history migration', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  const exists = async (sql: string) => (await db.query(sql)).length > 0;
  const historyTable = () => exists(`SELECT 1 FROM information_schema.tables WHERE table_name = 'credit_score_changes'`);
  const returnColumn = () =>
    exists(`SELECT 1 FROM information_schema.columns WHERE table_name = 'payments' AND column_name = 'returned_at'`);

  it('keeps each change of a score, stamped with the row’s updated_at, and nothing when the score stays', async () => {
    const customer = await store.customer(db, { creditScore: 720 });
    await db.query(`UPDATE customers SET city = 'Jinan', updated_at = '2026-11-01T00:00:00Z' WHERE id = $1`, [customer.id]);
    await db.query(`UPDATE customers SET credit_score = 650, updated_at = '2026-11-02T00:00:00Z' WHERE id = $1`, [customer.id]);
    await db.query(`UPDATE customers SET credit_score = NULL, updated_at = '2026-11-03T00:00:00Z' WHERE id = $1`, [customer.id]);
    expect(
      await db.query(
        `SELECT score_before AS before, score_after AS after, changed_at AS at FROM credit_score_changes
          WHERE customer_id = $1 ORDER BY changed_at`,
        [customer.id],
      ),
    ).toEqual([
      { before: 720, after: 650, at: new Date('2026-11-02T00:00:00Z') },
      { before: 650, after: null, at: new Date('2026-11-03T00:00:00Z') },
    ]);
  });

  it('reverts to before it and applies again', async () => {
    expect([await historyTable(), await returnColumn()]).toEqual([true, true]);
    await undoMigrationsFrom(db, 1765010000000);
    expect([await historyTable(), await returnColumn()]).toEqual([false, false]);
    await db.runMigrations({ transaction: 'each' });
    expect([await historyTable(), await returnColumn()]).toEqual([true, true]);
  });
});
