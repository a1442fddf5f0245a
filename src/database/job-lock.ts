import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { sql, sqlOne } from './sql';

/**
 * A scheduled job's lock for the caller's transaction, by the job's name: false when another
 * instance holds it. Released with the transaction, so a job that dies leaves nothing behind.
 */
export async function tryJobLock(m: EntityManager, job: string): Promise<boolean> {
  const row = await sqlOne<{ locked: boolean }>(m, `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [job]);
  return row!.locked;
}

/**
 * Runs `work` holding the session lock `key` (a name, or a number of its own) on a connection of
 * its own (handed to `work`, which may use others too); returns undefined at once when another
 * holds it. For work longer than one transaction should be: the lock goes with the connection, so
 * work that dies half-way (its process killed) leaves nothing behind.
 */
export async function withSessionLock<T>(
  db: DataSource,
  key: string | bigint,
  work: (session: QueryRunner) => Promise<T>,
): Promise<T | undefined> {
  const lock = typeof key === 'bigint' ? '$1::bigint' : 'hashtext($1)';
  const session = db.createQueryRunner();
  await session.connect();
  try {
    const row = await sqlOne<{ locked: boolean }>(session, `SELECT pg_try_advisory_lock(${lock}) AS locked`, [String(key)]);
    if (!row!.locked) return undefined;
    try {
      return await work(session);
    } finally {
      await sql(session, `SELECT pg_advisory_unlock(${lock})`, [String(key)]);
    }
  } finally {
    await session.release();
  }
}
