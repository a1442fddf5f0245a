import { DataSource } from 'typeorm';
import { sql, sqlCount, sqlOne } from '../../src/database/sql';
import { ownDatabase } from '../support/own-database';

/**
 * The typed query helper returns rows for every command: TypeORM's own `.query()` hands back a
 * `[rows, count]` pair for UPDATE and DELETE, which a row type would hide. On the pool, on a
 * transaction's manager (seeing its uncommitted writes) and on a query runner.
 */
describe('sql, sqlOne and sqlCount', () => {
  let db: DataSource;

  ownDatabase(async (opened) => {
    db = opened;
    await db.query(`CREATE TABLE sql_helper_probe (id int PRIMARY KEY, label text NOT NULL)`);
  });

  it('returns the rows of a SELECT, an INSERT … RETURNING and an UPDATE … RETURNING alike', async () => {
    const inserted = await sql<{ id: number }>(db, `INSERT INTO sql_helper_probe VALUES (1, 'a'), (2, 'b') RETURNING id`);
    expect(inserted).toEqual([{ id: 1 }, { id: 2 }]);
    const updated = await sql<{ id: number; label: string }>(
      db,
      `UPDATE sql_helper_probe SET label = upper(label) WHERE id = $1 RETURNING id, label`,
      [2],
    );
    expect(updated).toEqual([{ id: 2, label: 'B' }]);
    expect(await sql<{ label: string }>(db, `SELECT label FROM sql_helper_probe ORDER BY id`)).toEqual([
      { label: 'a' },
      { label: 'B' },
    ]);
  });

  it('sqlOne gives the first row or undefined; sqlCount the rows written', async () => {
    expect(await sqlOne<{ label: string }>(db, `SELECT label FROM sql_helper_probe WHERE id = $1`, [1])).toEqual({ label: 'a' });
    expect(await sqlOne(db, `SELECT label FROM sql_helper_probe WHERE id = $1`, [99])).toBeUndefined();
    expect(await sqlOne(db, `UPDATE sql_helper_probe SET label = 'x' WHERE id = 99 RETURNING id`)).toBeUndefined();
    expect(await sqlCount(db, `UPDATE sql_helper_probe SET label = label || '!'`)).toBe(2);
  });

  it('runs inside the transaction of a manager or a query runner', async () => {
    await db.transaction(async (manager) => {
      await sql(manager, `INSERT INTO sql_helper_probe VALUES (3, 'c')`);
      expect(await sqlOne<{ n: number }>(manager, `SELECT count(*)::int AS n FROM sql_helper_probe`)).toEqual({ n: 3 });
      expect(await sqlOne<{ n: number }>(db, `SELECT count(*)::int AS n FROM sql_helper_probe`)).toEqual({ n: 2 });
    });
    const runner = db.createQueryRunner();
    try {
      await runner.startTransaction();
      expect(await sqlCount(runner, `DELETE FROM sql_helper_probe WHERE id = 3`)).toBe(1);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    expect(await sqlOne<{ n: number }>(db, `SELECT count(*)::int AS n FROM sql_helper_probe`)).toEqual({ n: 3 });
  });
});
