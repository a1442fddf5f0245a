import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The attempts' daily figures (contact_attempt_days) are kept day by day from now on
 * (HistoryMaintenance.summariseDays) instead of being counted when a month is dropped, so that
 * retention only detaches and drops. This counts the days already in the history, up to
 * yesterday (UTC), once: the daily run goes on from the last day counted.
 */
export class AttemptDaysKeptDaily1765032000000 implements MigrationInterface {
  name = 'AttemptDaysKeptDaily1765032000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO contact_attempt_days (day, channel, purpose, status, attempts)
      SELECT (attempted_at AT TIME ZONE 'UTC')::date, channel, purpose, status, count(*)
        FROM contact_attempts WHERE attempted_at < date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
       GROUP BY 1, 2, 3, 4
      ON CONFLICT (day, channel, purpose, status) DO UPDATE SET attempts = EXCLUDED.attempts`);
  }

  /** Back to figures for dropped months only: the days whose attempts are still there are counted when their month goes. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM contact_attempt_days d
       WHERE EXISTS (SELECT 1 FROM contact_attempts a
                      WHERE a.attempted_at >= d.day::timestamp AT TIME ZONE 'UTC'
                        AND a.attempted_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC')`);
  }
}
