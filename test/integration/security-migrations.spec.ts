import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** The security migrations (audit refusal codes, sign-in throttle) have real downs: down, then up again. */
describe('the security migrations', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(dataSourceOptions(database.url)).initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const exists = async (sql: string) => (await db.query(sql)).length > 0;
  const throttleTable = () => exists(`SELECT 1 FROM information_schema.tables WHERE table_name = 'sign_in_failures'`);
  const codeColumn = () =>
    exists(`SELECT 1 FROM information_schema.columns WHERE table_name = 'audit_events' AND column_name = 'code'`);

  it('revert to before them and apply again', async () => {
    expect([await throttleTable(), await codeColumn()]).toEqual([true, true]);
    const last = async () =>
      (await db.query(`SELECT timestamp FROM schema_migrations ORDER BY timestamp DESC LIMIT 1`))[0].timestamp as string;
    while (Number(await last()) >= 1763701520000) await db.undoLastMigration({ transaction: 'each' });
    expect([await throttleTable(), await codeColumn()]).toEqual([false, false]);
    await db.runMigrations({ transaction: 'each' });
    expect([await throttleTable(), await codeColumn()]).toEqual([true, true]);
  });
});
