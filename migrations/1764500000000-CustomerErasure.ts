import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer's erasure (PIPL art. 47, GDPR art. 17): when, by whom and why, with how much history
 * was redacted; and the mark on the customer, whose addresses a CHECK keeps empty from then on.
 * `erase_values` replaces each of a customer's personal values in a text (a message body, a
 * ledger entry's evidence as JSON text) with its keyed hash. The consent ledger stays append-only
 * but for that: an erasure, declared for its transaction in `herald.erasing`, may rewrite the
 * evidence of that customer's entries, and nothing else.
 */
export class CustomerErasure1764500000000 implements MigrationInterface {
  name = 'CustomerErasure1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customers ADD COLUMN erased_at timestamptz`);
    await q.query(
      `ALTER TABLE customers ADD CONSTRAINT customers_erased_check CHECK (erased_at IS NULL OR (phone IS NULL AND email IS NULL))`,
    );
    await q.query(`
      CREATE TABLE customer_erasures (
        customer_id uuid PRIMARY KEY REFERENCES customers (id),
        erased_by   uuid NOT NULL REFERENCES users (id),
        reason      text NOT NULL CHECK (length(reason) BETWEEN 3 AND 500),
        redacted    jsonb NOT NULL CHECK (jsonb_typeof(redacted) = 'object'),
        erased_at   timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION erase_values(doc text, vals text[], subs text[]) RETURNS text
      LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN
        FOR i IN 1 .. coalesce(array_length(vals, 1), 0) LOOP
          doc := replace(doc, vals[i], subs[i]);
        END LOOP;
        RETURN doc;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN RETURN OLD; END IF;
        IF TG_OP = 'UPDATE' AND current_setting('herald.erasing', true) = OLD.customer_id::text
           AND to_jsonb(NEW) - 'evidence' = to_jsonb(OLD) - 'evidence' THEN RETURN NEW; END IF;
        RAISE EXCEPTION 'consent_events is append-only';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'consent_events is append-only';
      END $$`);
    await q.query(`DROP FUNCTION erase_values(text, text[], text[])`);
    await q.query(`DROP TABLE customer_erasures`);
    await q.query(`ALTER TABLE customers DROP CONSTRAINT customers_erased_check`);
    await q.query(`ALTER TABLE customers DROP COLUMN erased_at`);
  }
}
