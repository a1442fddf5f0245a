import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The attempts' daily figures (contact_attempt_days) are counted again for the last seven days on
 * each daily run (HistoryMaintenance.summariseDays); a status that moves later than that — a
 * delivery report ten days late, the reconciler settling an old unknown — or an attempt recorded
 * with an instant that old, would leave its day's figure wrong for good. Such a change now marks
 * its day (UTC) in contact_attempt_days_stale, and the next run counts the marked days again.
 *
 * Only changes to attempts older than three days mark anything: the days since are counted again
 * by the next run anyway, and the hot path (every status callback of a recent send) writes
 * nothing more. An attempt's `attempted_at` never changes after it is written.
 */
export class AttemptDaysLateChanges1765040100000 implements MigrationInterface {
  name = 'AttemptDaysLateChanges1765040100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contact_attempt_days_stale (day date PRIMARY KEY)`);
    await q.query(`
      CREATE FUNCTION contact_attempts_mark_day() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO contact_attempt_days_stale (day) VALUES ((NEW.attempted_at AT TIME ZONE 'UTC')::date) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER contact_attempts_late_status AFTER UPDATE OF status ON contact_attempts FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.attempted_at < now() - interval '3 days')
        EXECUTE FUNCTION contact_attempts_mark_day()`);
    await q.query(`
      CREATE TRIGGER contact_attempts_late_insert AFTER INSERT ON contact_attempts FOR EACH ROW
        WHEN (NEW.attempted_at < now() - interval '3 days')
        EXECUTE FUNCTION contact_attempts_mark_day()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER contact_attempts_late_insert ON contact_attempts`);
    await q.query(`DROP TRIGGER contact_attempts_late_status ON contact_attempts`);
    await q.query(`DROP FUNCTION contact_attempts_mark_day()`);
    await q.query(`DROP TABLE contact_attempt_days_stale`);
  }
}
