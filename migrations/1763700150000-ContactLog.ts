import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every contact Herald made or tried: the evidence ops read and the history the caps count. */
export class ContactLog1763700150000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contact_attempts (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id       uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        task_id           uuid,
        campaign_id       uuid,
        -- The fraud case, reminder cycle or other flow instance this contact belongs to.
        subject_ref       text,
        purpose           text NOT NULL CHECK (purpose IN ('collections', 'service', 'fraud', 'marketing')),
        channel           text NOT NULL CHECK (channel IN ('sms', 'email', 'call')),
        provider          text NOT NULL,
        provider_ref      text,
        status            text NOT NULL CHECK (status IN (
                            'pending', 'sent', 'delivered', 'undelivered', 'failed', 'unknown',
                            'ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'canceled')),
        -- Calls: answered by a person (connected), and a conversation with the customer about the debt.
        connected         boolean NOT NULL DEFAULT false,
        conversation      boolean NOT NULL DEFAULT false,
        template_key      text,
        template_version  text,
        error_code        text,
        detail            text,
        attempted_at      timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contact_attempts_customer_idx ON contact_attempts (customer_id, attempted_at DESC)`);
    await q.query(
      `CREATE UNIQUE INDEX contact_attempts_provider_ref_key ON contact_attempts (provider, provider_ref) WHERE provider_ref IS NOT NULL`,
    );
    await q.query(`CREATE INDEX contact_attempts_task_idx ON contact_attempts (task_id) WHERE task_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contact_attempts`);
  }
}
