import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An attempt's id tells the months it can be in (issue #21). The dispatcher makes attempt ids as
 * UUIDv7 from the instant it prepares the send (src/dispatch/attempt-id.ts); the attempt is opened
 * (`attempted_at`) at or after that instant, within the task's lease. So a look-up by id alone —
 * a status callback, the reconciler — can say `attempted_at >= attempt_since(id) AND attempted_at
 * < attempt_until(id)`, and the planner reads the one or two months of that range instead of
 * every month kept. Ids of other versions (random ids from before, attempts Herald records
 * without sending: replies, the agent desk's calls) give an unbounded range: every month, as
 * before. The CHECK holds every row to its id's range, so a look-up bounded this way never
 * misses an attempt.
 */
export class AttemptIdsCarryTheirInstant1765031000000 implements MigrationInterface {
  name = 'AttemptIdsCarryTheirInstant1765031000000';

  async up(q: QueryRunner): Promise<void> {
    // A minute before: the preparing and the opening instance's clocks may differ a little.
    await q.query(`
      CREATE FUNCTION attempt_since(id uuid) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN uuid_extract_version(id) = 7 THEN uuid_extract_timestamp(id) - interval '1 minute' ELSE '-infinity' END
      $$`);
    // A day after: a prepared send is opened within its lease (minutes), or not at all.
    await q.query(`
      CREATE FUNCTION attempt_until(id uuid) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN uuid_extract_version(id) = 7 THEN uuid_extract_timestamp(id) + interval '24 hours' ELSE 'infinity' END
      $$`);
    await q.query(`
      ALTER TABLE contact_attempts ADD CONSTRAINT contact_attempts_id_instant_check
        CHECK (attempted_at >= attempt_since(id) AND attempted_at < attempt_until(id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contact_attempts DROP CONSTRAINT contact_attempts_id_instant_check`);
    await q.query(`DROP FUNCTION attempt_until(uuid)`);
    await q.query(`DROP FUNCTION attempt_since(uuid)`);
  }
}
