import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ops console reads the contact log newest first under a filter, and counts the last day's
 * and week's contacts and opt-outs. Each index serves one of those reads, so none of them scans
 * a table of millions of rows or sorts it.
 */
export class OpsConsoleIndexes1763701300000 implements MigrationInterface {
  name = 'OpsConsoleIndexes1763701300000';

  async up(q: QueryRunner): Promise<void> {
    // The log filtered by campaign or by status, in the order of contact_tasks_updated_idx.
    await q.query(
      `CREATE INDEX contact_tasks_campaign_updated_idx ON contact_tasks (campaign_id, updated_at DESC, id) WHERE campaign_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX contact_tasks_status_updated_idx ON contact_tasks (status, updated_at DESC, id)`);
    // The dashboard's volumes by hour (24 h) and the opt-out rate's denominator (7 days).
    await q.query(`CREATE INDEX contact_attempts_attempted_idx ON contact_attempts (attempted_at)`);
    // The opt-out rate's numerator: revocations of the last 7 days.
    await q.query(`CREATE INDEX consent_events_revoked_idx ON consent_events (at) WHERE state = 'revoked'`);
    // A customer's fraud cases on their timeline.
    await q.query(`CREATE INDEX fraud_cases_customer_idx ON fraud_cases (customer_id, opened_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX fraud_cases_customer_idx`);
    await q.query(`DROP INDEX consent_events_revoked_idx`);
    await q.query(`DROP INDEX contact_attempts_attempted_idx`);
    await q.query(`DROP INDEX contact_tasks_status_updated_idx`);
    await q.query(`DROP INDEX contact_tasks_campaign_updated_idx`);
  }
}
