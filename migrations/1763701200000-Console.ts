import { MigrationInterface, QueryRunner } from 'typeorm';

/** The console: people sign in with a password, sessions live server-side, agents take tasks. */
export class Console1763701200000 implements MigrationInterface {
  name = 'Console1763701200000';

  async up(q: QueryRunner): Promise<void> {
    // scrypt, self-describing (`scrypt$N$r$p$salt$hash`) so its cost can rise without a migration.
    // The phone is where click-to-call rings the agent first.
    await q.query(`
      ALTER TABLE users
        ADD COLUMN password_hash text CHECK (password_hash ~ '^scrypt\\$'),
        ADD COLUMN phone         text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        ADD COLUMN locale        text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'zh-CN'))`);

    // Only a hash of the cookie's token is kept: a copy of this table signs nobody in.
    await q.query(`
      CREATE TABLE console_sessions (
        token_hash   bytea PRIMARY KEY,
        user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        csrf_token   text NOT NULL,
        created_at   timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at   timestamptz NOT NULL,
        CHECK (expires_at > created_at)
      )`);
    await q.query(`CREATE INDEX console_sessions_user_idx ON console_sessions (user_id)`);
    await q.query(`CREATE INDEX console_sessions_expiry_idx ON console_sessions (expires_at)`);

    // An agent takes a task (no one else is offered it) and closes it with a disposition.
    await q.query(`
      ALTER TABLE agent_tasks
        ADD COLUMN taken_by       uuid REFERENCES users (id) ON DELETE SET NULL,
        ADD COLUMN taken_at       timestamptz,
        ADD COLUMN done_at        timestamptz,
        ADD COLUMN disposition_id uuid REFERENCES customer_dispositions (id) ON DELETE SET NULL,
        ADD CHECK ((taken_by IS NULL) = (taken_at IS NULL)),
        ADD CHECK ((status = 'done') = (done_at IS NOT NULL))`);

    // The dispositions an agent gives a fraud call, and an opt-out said on the phone.
    await q.query(`ALTER TABLE customer_dispositions DROP CONSTRAINT customer_dispositions_code_check`);
    await q.query(`
      ALTER TABLE customer_dispositions
        ADD CONSTRAINT customer_dispositions_code_check CHECK (code IN (
          'right_party_contact', 'promise_to_pay', 'too_many_calls', 'wrong_number', 'refused', 'no_answer',
          'call_back_at', 'fraud_confirmed', 'not_fraud', 'opt_out')),
        ADD COLUMN subject_ref text,
        ADD COLUMN channel     text CHECK (channel IN ('sms', 'email', 'call')),
        ADD CHECK ((code = 'opt_out') = (channel IS NOT NULL))`);

    // Ops read the contact log newest first, by customer or campaign.
    await q.query(`CREATE INDEX contact_tasks_updated_idx ON contact_tasks (updated_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contact_tasks_updated_idx`);
    await q.query(`DELETE FROM customer_dispositions WHERE code IN ('fraud_confirmed', 'not_fraud', 'opt_out')`);
    await q.query(`ALTER TABLE customer_dispositions DROP COLUMN subject_ref, DROP COLUMN channel`);
    await q.query(`ALTER TABLE customer_dispositions DROP CONSTRAINT customer_dispositions_code_check`);
    await q.query(`
      ALTER TABLE customer_dispositions
        ADD CONSTRAINT customer_dispositions_code_check CHECK (code IN (
          'right_party_contact', 'promise_to_pay', 'too_many_calls', 'wrong_number', 'refused', 'no_answer', 'call_back_at'))`);
    await q.query(
      `ALTER TABLE agent_tasks DROP COLUMN taken_by, DROP COLUMN taken_at, DROP COLUMN done_at, DROP COLUMN disposition_id`,
    );
    await q.query(`DROP TABLE console_sessions`);
    await q.query(`ALTER TABLE users DROP COLUMN password_hash, DROP COLUMN phone, DROP COLUMN locale`);
  }
}
