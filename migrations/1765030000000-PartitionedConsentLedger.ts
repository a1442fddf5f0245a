import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger by month (issue #21), like the rest of the history (1764930000000), so that
 * RETENTION_CONSENT_EVIDENCE_MONTHS is enforced by dropping whole months.
 *
 * - The primary key becomes (id, at); the identity goes on after the last id.
 * - The ledger's triggers move to the partitioned table: append-only (each partition gets it),
 *   the customer check and customer_consent_now's upkeep (per statement, on the parent).
 * - A month is dropped with one exception (HistoryMaintenance): the entries still in force at
 *   the retention's cutoff — each customer's latest per channel and scope before it — are
 *   carried into the DEFAULT partition first, so the ledger never forgets what a customer
 *   last said, however long ago. Carried entries a later one supersedes before the cutoff are
 *   deleted by retention, the ledger's only delete: the trigger lets it through when the
 *   transaction declares `herald.consent_retention_before` and the entry is older than that.
 * - An index on `at` finds what the default partition holds for a month being created.
 */
const TRIGGERS = `
  CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();
  CREATE TRIGGER consent_events_customer_check AFTER INSERT ON consent_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION consent_events_customer_exists();
  CREATE TRIGGER consent_events_keep_latest AFTER INSERT ON consent_events REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION consent_events_keep_latest()`;

const INDEXES = `
  CREATE INDEX consent_events_customer_idx ON consent_events (customer_id, channel, scope, at DESC, id DESC);
  CREATE INDEX consent_events_revoked_idx ON consent_events (at) WHERE state = 'revoked'`;

const APPEND_ONLY = (retention: boolean) => `
  CREATE OR REPLACE FUNCTION consent_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN RETURN OLD; END IF;
    IF TG_OP = 'UPDATE' AND current_setting('herald.erasing', true) = OLD.customer_id::text
       AND to_jsonb(NEW) - 'evidence' = to_jsonb(OLD) - 'evidence' THEN RETURN NEW; END IF;${
         retention
           ? `
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'consent_events_default'
       AND OLD.at < nullif(current_setting('herald.consent_retention_before', true), '')::timestamptz THEN RETURN OLD; END IF;`
           : ''
       }
    RAISE EXCEPTION 'consent_events is append-only';
  END $$`;

const RESTART_IDENTITY = `
  SELECT setval(pg_get_serial_sequence('consent_events', 'id'), coalesce((SELECT max(id) FROM consent_events), 0) + 1, false)`;

export class PartitionedConsentLedger1765030000000 implements MigrationInterface {
  name = 'PartitionedConsentLedger1765030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consent_events RENAME TO consent_events_unpartitioned`);
    await q.query(
      `CREATE TABLE consent_events (LIKE consent_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)
       PARTITION BY RANGE (at)`,
    );
    await q.query(`CREATE TABLE consent_events_default PARTITION OF consent_events DEFAULT`);
    await q.query(
      `SELECT history_ensure_month('consent_events', m::date)
         FROM generate_series(date_trunc('month', least(now(), (SELECT min(at) FROM consent_events_unpartitioned))),
                              date_trunc('month', now()) + interval '3 months', interval '1 month') AS m`,
    );
    // Before the triggers: the entries are checked and summarised already.
    await q.query(`INSERT INTO consent_events OVERRIDING SYSTEM VALUE SELECT * FROM consent_events_unpartitioned`);
    await q.query(`DROP TABLE consent_events_unpartitioned`);
    await q.query(RESTART_IDENTITY);
    await q.query(`ALTER TABLE consent_events ADD PRIMARY KEY (id, at)`);
    for (const sql of `${INDEXES};
      CREATE INDEX consent_events_at_idx ON consent_events (at)`.split(';')) {
      await q.query(sql);
    }
    await q.query(APPEND_ONLY(true));
    for (const sql of TRIGGERS.split(';')) await q.query(sql);
    await q.query(
      `ALTER TABLE history_drops DROP CONSTRAINT history_drops_kind_check,
         ADD CONSTRAINT history_drops_kind_check CHECK (kind IN ('contact_history', 'inbound_messages', 'audit', 'sandbox', 'consent_evidence'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM history_drops WHERE kind = 'consent_evidence'`);
    await q.query(
      `ALTER TABLE history_drops DROP CONSTRAINT history_drops_kind_check,
         ADD CONSTRAINT history_drops_kind_check CHECK (kind IN ('contact_history', 'inbound_messages', 'audit', 'sandbox'))`,
    );
    await q.query(
      `CREATE TABLE consent_events_flat (LIKE consent_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)`,
    );
    await q.query(`INSERT INTO consent_events_flat OVERRIDING SYSTEM VALUE SELECT * FROM consent_events`);
    await q.query(`DROP TABLE consent_events`);
    await q.query(`ALTER TABLE consent_events_flat RENAME TO consent_events`);
    await q.query(RESTART_IDENTITY);
    await q.query(`ALTER TABLE consent_events ADD PRIMARY KEY (id)`);
    for (const sql of INDEXES.split(';')) await q.query(sql);
    await q.query(APPEND_ONLY(false));
    for (const sql of TRIGGERS.split(';')) await q.query(sql);
  }
}
