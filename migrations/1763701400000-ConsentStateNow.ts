import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer's consent for a channel and scope as committed now, not as the calling statement
 * found it when it began: the function is VOLATILE, so its query takes a snapshot of its own.
 * That lets one statement lock a customer and then read the ledger as it stands after the lock
 * — a STOP committed while the statement waited for the lock counts — which is what makes a
 * consent keyword a single statement (InboundMessageStore). The order is ConsentService's
 * LATEST_FIRST: the latest entry, a revocation winning a tie, then the one recorded last.
 */
export class ConsentStateNow1763701400000 implements MigrationInterface {
  name = 'ConsentStateNow1763701400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION consent_state_now(customer uuid, channel text, scope text) RETURNS text
      LANGUAGE sql VOLATILE AS $$
        SELECT e.state FROM consent_events e
         WHERE e.customer_id = customer AND e.channel = consent_state_now.channel AND e.scope = consent_state_now.scope
         ORDER BY e.at DESC, (e.state = 'revoked') DESC, e.id DESC
         LIMIT 1
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION consent_state_now(uuid, text, text)`);
  }
}
