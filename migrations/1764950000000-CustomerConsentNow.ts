import { MigrationInterface, QueryRunner } from 'typeorm';

const KEYS = ['sms_all', 'sms_marketing', 'email_all', 'email_marketing', 'call_all', 'call_marketing'];

/**
 * Each customer's latest ledger entry per channel and scope, kept by the ledger's own writes, so
 * that counting who may be contacted (reachability, the segment editor's live preview) reads one
 * row per customer instead of aggregating the whole ledger. An entry is a number: its instant in
 * microseconds times two, plus one for a revocation — the latest is the largest (a revocation wins
 * a tie, as in ConsentService) and the state is its parity. `greatest` keeps the latest whatever
 * order concurrent writers commit in. The ledger is append-only, so inserts are all there is to
 * follow; a customer's row goes with the customer.
 */
export class CustomerConsentNow1764950000000 implements MigrationInterface {
  name = 'CustomerConsentNow1764950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_consent_now (
        customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
        ${KEYS.map((key) => `${key} bigint`).join(',\n        ')}
      )`);
    const latest = (source: string) => `
      SELECT customer_id,
             ${KEYS.map((key) => {
               const [channel, scope] = key.split('_');
               return `max((extract(epoch FROM at) * 1000000)::bigint * 2 + (state = 'revoked')::int)
                         FILTER (WHERE channel = '${channel}' AND scope = '${scope}') AS ${key}`;
             }).join(',\n             ')}
        FROM ${source}
       GROUP BY customer_id`;
    await q.query(`
      CREATE FUNCTION consent_events_keep_latest() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO customer_consent_now AS now_ (customer_id, ${KEYS.join(', ')})
        ${latest('added')}
        ORDER BY customer_id
        ON CONFLICT (customer_id) DO UPDATE
          SET ${KEYS.map((key) => `${key} = greatest(now_.${key}, EXCLUDED.${key})`).join(',\n              ')};
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_events_keep_latest AFTER INSERT ON consent_events
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION consent_events_keep_latest()`);
    await q.query(`INSERT INTO customer_consent_now (customer_id, ${KEYS.join(', ')}) ${latest('consent_events')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER consent_events_keep_latest ON consent_events`);
    await q.query(`DROP FUNCTION consent_events_keep_latest()`);
    await q.query(`DROP TABLE customer_consent_now`);
  }
}
