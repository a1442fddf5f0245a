import { MigrationInterface, QueryRunner } from 'typeorm';

/** The sandbox's outbox: what would have gone to Twilio or the mail server, kept for the demo to show. */
export class SandboxMessages1763700600000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sandbox_messages (
        id                 uuid PRIMARY KEY,
        channel            text NOT NULL CHECK (channel IN ('sms', 'call', 'email')),
        direction          text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
        provider_ref       text NOT NULL,
        attempt_id         text,
        to_address         text NOT NULL,
        from_address       text NOT NULL,
        subject            text,
        -- The SMS text, the TwiML of a call, or the text part of an e-mail.
        body               text NOT NULL,
        html               text,
        headers            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(headers) = 'object'),
        machine_detection  boolean NOT NULL DEFAULT false,
        status             text NOT NULL CHECK (status IN (
                             'pending', 'sent', 'delivered', 'undelivered', 'failed', 'canceled',
                             'ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'received')),
        error_code         text,
        created_at         timestamptz NOT NULL,
        updated_at         timestamptz NOT NULL,
        -- Herald sends for an attempt; only a customer's simulated SMS reply comes in.
        CHECK ((direction = 'outbound') = (attempt_id IS NOT NULL)),
        CHECK (direction = 'outbound' OR (channel = 'sms' AND status = 'received')),
        CHECK (channel = 'email' OR (subject IS NULL AND html IS NULL)),
        CHECK (channel = 'call' OR NOT machine_detection)
      )`);
    // An e-mail's Message-ID names its attempt, so a second send of one attempt shows as a second row.
    await q.query(
      `CREATE UNIQUE INDEX sandbox_messages_provider_ref_key ON sandbox_messages (provider_ref) WHERE channel <> 'email'`,
    );
    await q.query(`CREATE INDEX sandbox_messages_created_idx ON sandbox_messages (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX sandbox_messages_attempt_idx ON sandbox_messages (attempt_id) WHERE attempt_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sandbox_messages`);
  }
}
