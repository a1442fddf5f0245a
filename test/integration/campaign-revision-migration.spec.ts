import { DataSource } from 'typeorm';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';

/** The campaign's revision (what launch compares under the row lock): down, then up again. */
describe('the campaign revision migration', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  const revisionColumn = async () =>
    (
      await db.query(
        `SELECT column_default, is_nullable FROM information_schema.columns WHERE table_name = 'campaigns' AND column_name = 'revision'`,
      )
    )[0];

  it('reverts to before it and applies again', async () => {
    expect(await revisionColumn()).toEqual({ column_default: '1', is_nullable: 'NO' });
    await undoMigrationsFrom(db, 1765000000000);
    expect(await revisionColumn()).toBeUndefined();
    await db.runMigrations({ transaction: 'each' });
    expect(await revisionColumn()).toEqual({ column_default: '1', is_nullable: 'NO' });
  });
});
