import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Covering indexes for the segment families campaign managers count most, so PostgreSQL answers
 * them from the index alone (index-only scans; bench:segment records the plans). The segment
 * compiler bounds derived day counts (daysUntilDue …) by a range on the stored column, which
 * is what lets these indexes serve rules computed in each customer's own time zone.
 */
export class SegmentIndexes1763700310000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    // Repayment reminders: a due-date window, the zone to compute local days, and the money to tell paid from unpaid.
    await q.query(`
      CREATE INDEX customers_due_date_segment_idx ON customers (due_date)
        INCLUDE (timezone, minimum_due, paid_this_cycle, statement_balance, country, risk_level)`);
    // Early collections: overdue buckets by risk.
    await q.query(`
      CREATE INDEX customers_overdue_segment_idx ON customers (days_past_due)
        INCLUDE (risk_level, card_status) WHERE days_past_due > 0`);
    // Activation nudges: never-activated cards by issue date.
    await q.query(`
      CREATE INDEX customers_not_activated_segment_idx ON customers (card_issued_on)
        INCLUDE (timezone, tags) WHERE card_status = 'not_activated'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX customers_not_activated_segment_idx`);
    await q.query(`DROP INDEX customers_overdue_segment_idx`);
    await q.query(`DROP INDEX customers_due_date_segment_idx`);
  }
}
