import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An attempt Herald could not confirm (`unknown`) is settled by asking the provider, which can
 * only be matched by what was sent and to whom: the attempt keeps its recipient and a hash of
 * its content. A final status is final: a late `undelivered` no longer overwrites `delivered`.
 * Retries have an index of their own, to be claimed before a campaign's backlog.
 */
export class AttemptReconciliation1763701500000 implements MigrationInterface {
  name = 'AttemptReconciliation1763701500000';

  async up(q: QueryRunner): Promise<void> {
    // When the dispatcher (or the reconciler) wrote down the attempt's outcome for its task: the
    // first to do so applies it; a write replayed after a commit whose answer was lost changes nothing.
    await q.query(
      `ALTER TABLE contact_attempts ADD COLUMN recipient text, ADD COLUMN content_hash text, ADD COLUMN settled_at timestamptz`,
    );
    await q.query(`CREATE INDEX contact_attempts_unknown_idx ON contact_attempts (attempted_at) WHERE status = 'unknown'`);
    // Retries are claimed ahead of fresh work (OutboxRepository.claim).
    await q.query(
      `CREATE INDEX contact_tasks_retry_due_idx ON contact_tasks (priority DESC, due_at) WHERE status = 'pending' AND attempts > 0`,
    );
    // Twilio's documented lifecycle: queued → sending → sent → delivered | undelivered | failed;
    // a call: queued → initiated → ringing → in-progress → completed, or busy | no-answer | failed |
    // canceled. Callbacks arrive late and out of order, so a status moves only forward, and a
    // final one never changes.
    await q.query(`
      CREATE FUNCTION attempt_status_next(current text, reported text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE
          WHEN attempt_status_rank(current) = 3 THEN current
          WHEN attempt_status_rank(reported) >= attempt_status_rank(current) THEN reported
          ELSE current
        END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION attempt_status_next(text, text)`);
    await q.query(`DROP INDEX contact_tasks_retry_due_idx`);
    await q.query(`DROP INDEX contact_attempts_unknown_idx`);
    await q.query(`ALTER TABLE contact_attempts DROP COLUMN recipient, DROP COLUMN content_hash, DROP COLUMN settled_at`);
  }
}
