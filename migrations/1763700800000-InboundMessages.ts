import { MigrationInterface, QueryRunner } from 'typeorm';

/** What customers send back: SMS replies and IVR digits, kept on their timeline. */
export class InboundMessages1763700800000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbound_messages (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Null when the sender matches no customer: kept for ops all the same.
        customer_id   uuid REFERENCES customers (id) ON DELETE CASCADE,
        channel       text NOT NULL CHECK (channel IN ('sms', 'call')),
        provider      text NOT NULL,
        provider_ref  text NOT NULL,
        from_address  text NOT NULL,
        to_address    text,
        body          text NOT NULL,
        -- How Herald read it: a keyword family, a verification answer, or free text for an agent.
        intent        text NOT NULL,
        -- The attempt it answers (IVR digits) or the flow it was applied to (a fraud case).
        attempt_id    uuid REFERENCES contact_attempts (id) ON DELETE SET NULL,
        subject_ref   text,
        received_at   timestamptz NOT NULL,
        UNIQUE (provider, provider_ref)
      )`);
    await q.query(`CREATE INDEX inbound_messages_customer_idx ON inbound_messages (customer_id, received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbound_messages`);
  }
}
