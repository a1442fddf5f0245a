import { MigrationInterface, QueryRunner } from 'typeorm';

const KEYS = ['sms_all', 'sms_marketing', 'email_all', 'email_marketing', 'call_all', 'call_marketing'];

/**
 * Every read of the consent ledger bounded by time (issue #21), so the planner reads the months
 * it needs of a ledger kept for years, not every month.
 *
 * - `consent_ledger_months`: the UTC months in which each customer has entries, per channel and
 *   scope, kept by the ledger's own inserts (a statement trigger, in the writer's transaction).
 *   A customer's ledger page reads only their months; the state as it stood at an instant reads
 *   at most two months per channel and scope: the instant's own, and the last one before it.
 *   Retention leaves a dropped month's rows: the carried entries keep their instants (so their
 *   month), and a month of nothing only sends a read to an empty range of the default partition.
 * - `consent_state_now` reads `customer_consent_now` (1764950000000: the latest entry's instant,
 *   its parity the state, a revocation winning a tie — the order the function had) instead of
 *   the ledger. Still VOLATILE: its query takes a snapshot of its own, and the summary commits
 *   with the ledger entry it follows.
 */
export class ConsentLedgerMonths1765040000000 implements MigrationInterface {
  name = 'ConsentLedgerMonths1765040000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent_ledger_months (
        customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        channel text NOT NULL,
        scope text NOT NULL,
        month date NOT NULL CHECK (month = date_trunc('month', month)),
        PRIMARY KEY (customer_id, channel, scope, month)
      )`);
    const months = (source: string) =>
      `SELECT DISTINCT customer_id, channel, scope, date_trunc('month', at AT TIME ZONE 'UTC')::date FROM ${source}`;
    await q.query(`
      CREATE FUNCTION consent_events_keep_months() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO consent_ledger_months (customer_id, channel, scope, month)
        ${months('added')}
        ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_events_keep_months AFTER INSERT ON consent_events
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION consent_events_keep_months()`);
    await q.query(`INSERT INTO consent_ledger_months (customer_id, channel, scope, month) ${months('consent_events')}`);
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_state_now(customer uuid, channel text, scope text) RETURNS text
      LANGUAGE sql VOLATILE AS $$
        SELECT (SELECT CASE WHEN v IS NULL THEN NULL WHEN v & 1 = 1 THEN 'revoked' ELSE 'granted' END
                  FROM (SELECT CASE consent_state_now.channel || '_' || consent_state_now.scope
                               ${KEYS.map((key) => `WHEN '${key}' THEN n.${key}`).join(' ')} END AS v
                          FROM customer_consent_now n WHERE n.customer_id = consent_state_now.customer) AS latest)
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_state_now(customer uuid, channel text, scope text) RETURNS text
      LANGUAGE sql VOLATILE AS $$
        SELECT e.state FROM consent_events e
         WHERE e.customer_id = customer AND e.channel = consent_state_now.channel AND e.scope = consent_state_now.scope
         ORDER BY e.at DESC, (e.state = 'revoked') DESC, e.id DESC
         LIMIT 1
      $$`);
    await q.query(`DROP TRIGGER consent_events_keep_months ON consent_events`);
    await q.query(`DROP FUNCTION consent_events_keep_months()`);
    await q.query(`DROP TABLE consent_ledger_months`);
  }
}
