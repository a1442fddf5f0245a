import { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerBook1763700100000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    // fillfactor: room on each page lets the outcome write-backs (no indexed column) update in
    // place (HOT), sparing every index a new entry per contact.
    await q.query(`
      CREATE TABLE customers (
        id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_ref             text NOT NULL UNIQUE,
        full_name                text NOT NULL,
        phone                    text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        email                    text CHECK (position('@' in email) > 1),
        locale                   text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
        timezone                 text NOT NULL DEFAULT 'Asia/Shanghai',
        country                  char(2) NOT NULL DEFAULT 'CN' CHECK (country ~ '^[A-Z]{2}$'),
        city                     text,
        card_last4               char(4) CHECK (card_last4 ~ '^[0-9]{4}$'),
        card_status              text NOT NULL DEFAULT 'active'
                                   CHECK (card_status IN ('active', 'not_activated', 'on_hold', 'blocked')),
        currency                 char(3) NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
        credit_limit             bigint NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
        statement_balance        bigint NOT NULL DEFAULT 0,
        minimum_due              bigint NOT NULL DEFAULT 0 CHECK (minimum_due >= 0),
        paid_this_cycle          bigint NOT NULL DEFAULT 0 CHECK (paid_this_cycle >= 0),
        statement_date           date,
        due_date                 date,
        days_past_due            integer NOT NULL DEFAULT 0 CHECK (days_past_due >= 0),
        risk_level               text NOT NULL DEFAULT 'low' CHECK (risk_level IN ('low', 'medium', 'high')),
        credit_score             integer CHECK (credit_score BETWEEN 300 AND 900),
        card_issued_on           date,
        last_card_activity_at    timestamptz,
        tags                     text[] NOT NULL DEFAULT '{}',
        attributes               jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),

        -- What the customer asked of us: when to call, when not to, and a pause.
        contact_window           jsonb CHECK (contact_window IS NULL OR jsonb_typeof(contact_window) = 'object'),
        inconvenient_times       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(inconvenient_times) = 'array'),
        mute_until               timestamptz,
        marketing_mute_until     timestamptz,

        -- Written back by outcomes.
        last_contact_at          timestamptz,
        last_contact_channel     text,
        last_contact_purpose     text,
        last_contact_outcome     text,
        contact_counts           jsonb NOT NULL DEFAULT '{}',
        last_right_party_contact_at timestamptz,
        promise_to_pay_on        date,
        promise_to_pay_amount    bigint CHECK (promise_to_pay_amount > 0),
        last_verification_result text,
        last_verification_at     timestamptz,

        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now()
      ) WITH (fillfactor = 85)`);
    await q.query(`CREATE INDEX customers_phone_idx ON customers (phone) WHERE phone IS NOT NULL`);
    await q.query(`CREATE INDEX customers_email_idx ON customers (lower(email)) WHERE email IS NOT NULL`);
    await q.query(`CREATE INDEX customers_tags_idx ON customers USING gin (tags)`);

    await q.query(`
      CREATE TABLE consent_events (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        channel       text NOT NULL CHECK (channel IN ('sms', 'email', 'call')),
        -- 'all' covers every purpose the customer may refuse; 'marketing' only promotions.
        scope         text NOT NULL CHECK (scope IN ('all', 'marketing')),
        state         text NOT NULL CHECK (state IN ('granted', 'revoked')),
        source        text NOT NULL CHECK (source IN ('sms_keyword', 'agent', 'email_one_click', 'api', 'import', 'provider')),
        evidence      jsonb NOT NULL DEFAULT '{}',
        actor_id      uuid,
        at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX consent_events_customer_idx ON consent_events (customer_id, channel, scope, at DESC, id DESC)`);
    // The ledger is append-only: history is evidence. It goes only with its profile (a cascade
    // runs inside the foreign key's own trigger, hence depth > 1).
    await q.query(`
      CREATE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'consent_events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
      FOR EACH ROW EXECUTE FUNCTION consent_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consent_events`);
    await q.query(`DROP FUNCTION consent_events_append_only()`);
    await q.query(`DROP TABLE customers`);
  }
}
