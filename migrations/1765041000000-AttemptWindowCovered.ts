import { MigrationInterface, QueryRunner } from 'typeorm';

const COVERED = ['customer_id', 'purpose', 'channel', 'status', 'connected', 'conversation'];

/**
 * Reachability counts every customer's recent contacts against the caps (ReachabilityService's
 * history): the attempts of the longest cap window, over the whole book. The index on
 * attempted_at now carries the columns the caps read, so that the window is read from the index
 * alone — a narrow, time-ordered range — instead of from heap pages the window's rows are spread
 * over. The dashboard's reads by attempted_at use it as before; it stays one index.
 */
export class AttemptWindowCovered1765041000000 implements MigrationInterface {
  name = 'AttemptWindowCovered1765041000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contact_attempts_attempted_idx`);
    await q.query(
      `CREATE INDEX contact_attempts_attempted_idx ON contact_attempts (attempted_at) INCLUDE (${COVERED.join(', ')})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contact_attempts_attempted_idx`);
    await q.query(`CREATE INDEX contact_attempts_attempted_idx ON contact_attempts (attempted_at)`);
  }
}
