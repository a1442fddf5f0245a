import { DataSource } from 'typeorm';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';

/**
 * Migration 1765041000000: the attempts' index on attempted_at carries what reachability's caps
 * read, so that a cap window over the whole book is read from the index alone.
 */
describe('the covered attempt-window migration', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  const definition = async (): Promise<string> =>
    (await db.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'contact_attempts_attempted_idx'`))[0].indexdef;

  it('covers the columns the caps count by, on every month', async () => {
    expect(await definition()).toMatch(
      /\(attempted_at\) INCLUDE \(customer_id, purpose, channel, status, connected, conversation\)$/,
    );
    const partitions: { covered: boolean }[] = await db.query(
      `SELECT i.indexdef LIKE '%INCLUDE (customer_id, purpose, channel, status, connected, conversation)' AS covered
         FROM pg_inherits h
         JOIN pg_class p ON p.oid = h.inhrelid
         JOIN pg_indexes i ON i.tablename = p.relname AND i.indexdef LIKE '%(attempted_at) INCLUDE%'
        WHERE h.inhparent = 'contact_attempts'::regclass`,
    );
    const months = (
      await db.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'contact_attempts'::regclass`)
    )[0].n;
    expect(partitions).toHaveLength(months);
    expect(partitions.every((p) => p.covered)).toBe(true);
  });

  it('reverts to the plain index and applies again', async () => {
    await undoMigrationsFrom(db, 1765041000000);
    expect(await definition()).toMatch(/\(attempted_at\)$/);
    await db.runMigrations({ transaction: 'each' });
    expect(await definition()).toMatch(/INCLUDE/);
  });
});
