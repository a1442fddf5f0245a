import { DataSource } from 'typeorm';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';

/** The security migrations (audit refusal codes, sign-in throttle) have real downs: down, then up again. */
describe('the security migrations', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  const exists = async (sql: string) => (await db.query(sql)).length > 0;
  const throttleTable = () => exists(`SELECT 1 FROM information_schema.tables WHERE table_name = 'sign_in_failures'`);
  const codeColumn = () =>
    exists(`SELECT 1 FROM information_schema.columns WHERE table_name = 'audit_events' AND column_name = 'code'`);

  it('revert to before them and apply again', async () => {
    expect([await throttleTable(), await codeColumn()]).toEqual([true, true]);
    await undoMigrationsFrom(db, 1763701520000);
    expect([await throttleTable(), await codeColumn()]).toEqual([false, false]);
    await db.runMigrations({ transaction: 'each' });
    expect([await throttleTable(), await codeColumn()]).toEqual([true, true]);
  });
});
