import { EntityManager } from 'typeorm';
import { sqlOne } from './sql';

/**
 * A scheduled job's lock for the caller's transaction, by the job's name: false when another
 * instance holds it. Released with the transaction, so a job that dies leaves nothing behind.
 */
export async function tryJobLock(m: EntityManager, job: string): Promise<boolean> {
  const row = await sqlOne<{ locked: boolean }>(m, `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [job]);
  return row!.locked;
}
