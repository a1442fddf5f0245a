import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider callbacks arrive late, twice, or out of order; an attempt's status only moves forward.
 * The rank says how far along a status is: a late `sent` never overwrites `delivered`.
 */
export class AttemptProgress1763700810000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION attempt_status_rank(status text) RETURNS smallint
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE status
          WHEN 'pending' THEN 0 WHEN 'unknown' THEN 0
          WHEN 'sent' THEN 1 WHEN 'ringing' THEN 1
          WHEN 'in_progress' THEN 2
          ELSE 3 -- delivered, undelivered, failed, completed, busy, no_answer, canceled: final
        END::smallint
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION attempt_status_rank(text)`);
  }
}
