import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider callbacks arrive late, twice, or out of order; an attempt's status only moves forward.
 * The rank says how far along a status is: a late `sent` never overwrites `delivered`.
 */
export class AttemptProgress1763700810000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    // `queued`: the provider took it and has not handed it on yet (Twilio's create answer).
    await q.query(`ALTER TABLE contact_attempts DROP CONSTRAINT contact_attempts_status_check`);
    await q.query(`
      ALTER TABLE contact_attempts ADD CONSTRAINT contact_attempts_status_check CHECK (status IN (
        'pending', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'unknown',
        'ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'canceled'))`);
    await q.query(`
      CREATE FUNCTION attempt_status_rank(status text) RETURNS smallint
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE status
          WHEN 'pending' THEN 0 WHEN 'unknown' THEN 0
          WHEN 'queued' THEN 1 WHEN 'sent' THEN 1 WHEN 'ringing' THEN 1
          WHEN 'in_progress' THEN 2
          ELSE 3 -- delivered, undelivered, failed, completed, busy, no_answer, canceled: final
        END::smallint
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION attempt_status_rank(text)`);
    await q.query(`UPDATE contact_attempts SET status = 'pending' WHERE status = 'queued'`);
    await q.query(`ALTER TABLE contact_attempts DROP CONSTRAINT contact_attempts_status_check`);
    await q.query(`
      ALTER TABLE contact_attempts ADD CONSTRAINT contact_attempts_status_check CHECK (status IN (
        'pending', 'sent', 'delivered', 'undelivered', 'failed', 'unknown',
        'ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'canceled'))`);
  }
}
