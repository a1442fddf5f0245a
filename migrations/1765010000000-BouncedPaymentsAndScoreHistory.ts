import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two early warnings a risk desk writes rules for (issue 17):
 *
 * - Payments that bounce: the core system reports a booked payment as returned unpaid
 *   (`POST /payments/returns`). The payment keeps its row and gains when and why it came back;
 *   rules count a customer's returns in a window by the partial index.
 * - A sharp drop of the credit score: every change of a customer's score is kept in
 *   `credit_score_changes` (the score before and after, and when), so "now 50 or more below its
 *   highest of the last 30 days" can be read however many changes the window holds. A trigger
 *   keeps it for every writer (import, PATCH, anything later); the instant is the row's
 *   `updated_at`, which each writer sets from Herald's clock. It runs only when the score changes
 *   (the trigger's WHEN), so an import's unchanged scores cost nothing.
 */
export class BouncedPaymentsAndScoreHistory1765010000000 implements MigrationInterface {
  name = 'BouncedPaymentsAndScoreHistory1765010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE payments
        ADD COLUMN returned_at timestamptz,
        ADD COLUMN return_reason text,
        ADD CONSTRAINT payments_return_reason_check CHECK (return_reason IS NULL OR returned_at IS NOT NULL)`);
    await q.query(`CREATE INDEX payments_returned_idx ON payments (customer_id, returned_at) WHERE returned_at IS NOT NULL`);

    await q.query(`
      CREATE TABLE credit_score_changes (
        customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        score_before integer,
        score_after  integer,
        changed_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX credit_score_changes_customer_idx ON credit_score_changes (customer_id, changed_at)`);
    await q.query(`
      CREATE FUNCTION customers_record_credit_score_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO credit_score_changes (customer_id, score_before, score_after, changed_at)
        VALUES (NEW.id, OLD.credit_score, NEW.credit_score, NEW.updated_at);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER customers_credit_score_history
        AFTER UPDATE OF credit_score ON customers
        FOR EACH ROW WHEN (OLD.credit_score IS DISTINCT FROM NEW.credit_score)
        EXECUTE FUNCTION customers_record_credit_score_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER customers_credit_score_history ON customers`);
    await q.query(`DROP FUNCTION customers_record_credit_score_change()`);
    await q.query(`DROP TABLE credit_score_changes`);
    await q.query(`DROP INDEX payments_returned_idx`);
    await q.query(
      `ALTER TABLE payments DROP CONSTRAINT payments_return_reason_check, DROP COLUMN return_reason, DROP COLUMN returned_at`,
    );
  }
}
