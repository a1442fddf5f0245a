import { MigrationInterface, QueryRunner } from 'typeorm';

/** src/events/event-types.ts as of this migration (a test holds the constant against the constraint). */
const TYPES = [
  'contact.sent',
  'contact.delivered',
  'contact.failed',
  'consent.changed',
  'fraud_case.opened',
  'fraud_case.updated',
  'fraud_case.closed',
  'promise_to_pay.made',
  'promise_to_pay.broken',
  'payment.recorded',
  'card.notice',
]
  .map((type) => `'${type}'`)
  .join(', ');

/**
 * Outbound events (src/events/): the facts other systems subscribe to, written in the transaction
 * of the fact they report, and one delivery row per subscription that wants them. Deliveries go
 * out in `seq` order per (subscription, customer): the partial index is the queue's head lookup.
 */
export class OutboundEvents1764800100000 implements MigrationInterface {
  name = 'OutboundEvents1764800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_subscriptions (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
        url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
        event_types text[] NOT NULL CHECK (cardinality(event_types) > 0 AND event_types <@ ARRAY[${TYPES}]::text[]),
        -- The key the HMAC is made with: kept as given, since signing needs it.
        secret      text NOT NULL CHECK (length(secret) BETWEEN 16 AND 200),
        created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE events (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        type        text NOT NULL CHECK (type IN (${TYPES})),
        customer_id uuid,
        occurred_at timestamptz NOT NULL,
        data        jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object')
      )`);
    await q.query(`
      CREATE TABLE event_deliveries (
        subscription_id uuid NOT NULL REFERENCES event_subscriptions (id) ON DELETE CASCADE,
        event_id        uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        seq             bigint NOT NULL,
        -- The customer, or the event itself when it names none: order holds within a key.
        ordering_key    text NOT NULL,
        status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'parked')),
        attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at      timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        last_error      text,
        finished_at     timestamptz,
        PRIMARY KEY (subscription_id, event_id),
        CHECK ((status = 'pending') = (finished_at IS NULL))
      )`);
    await q.query(
      `CREATE INDEX event_deliveries_queue_idx ON event_deliveries (subscription_id, ordering_key, seq) WHERE status = 'pending'`,
    );
    // The courier's walk, oldest first.
    await q.query(`CREATE INDEX event_deliveries_pending_idx ON event_deliveries (seq) WHERE status = 'pending'`);
    // Ops list what is parked (and what is late), newest first.
    await q.query(`CREATE INDEX event_deliveries_status_idx ON event_deliveries (status, seq DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_deliveries`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP TABLE event_subscriptions`);
  }
}
