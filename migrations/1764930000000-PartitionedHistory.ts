import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * History by month (issue #21): contact_attempts, inbound_messages, audit_events and
 * sandbox_messages become range-partitioned on their time column, one partition a month, so
 * that a query bounded by time reads only the months it names and retention drops a whole month
 * (DETACH + DROP) instead of deleting rows.
 *
 * - Every primary key now includes the partition key (PostgreSQL requires it of a unique index
 *   on a partitioned table): (id, attempted_at), (id, received_at), (id, at), (id, created_at).
 * - Unique keys that could not include the time lose their uniqueness, and what relied on it
 *   moves: an inbound message's (provider, provider_ref) — Twilio retries a webhook with the
 *   same MessageSid at a later time — is claimed in `inbound_message_refs` (one row per
 *   provider reference, no personal data); an attempt's and a sandbox message's provider
 *   reference keep a plain index for their look-ups.
 * - inbound_messages.attempt_id referenced contact_attempts(id); a foreign key to a partitioned
 *   table must name its whole key, and a month of attempts may be dropped before the replies
 *   that point at it, so the column stays a plain reference (NULL or an attempt id that may have
 *   been dropped by retention).
 * - Each table has a DEFAULT partition, so a write at any time (a test's clock in 2019, a bad
 *   clock) is never refused; `history_ensure_month` moves what the default caught into a month
 *   when that month's partition is created. Herald creates months ahead at start and daily
 *   (src/history), and this migration creates them from the oldest row to three months ahead.
 */
const TABLES = [
  { table: 'contact_attempts', key: 'attempted_at' },
  { table: 'inbound_messages', key: 'received_at' },
  { table: 'audit_events', key: 'at' },
  { table: 'sandbox_messages', key: 'created_at' },
] as const;

export class PartitionedHistory1764930000000 implements MigrationInterface {
  name = 'PartitionedHistory1764930000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION history_partition_key(parent text) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT a.attname::text FROM pg_partitioned_table p
          JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
         WHERE p.partrelid = parent::regclass
      $$`);
    // One month's partition of a history table, if it does not exist: named <parent>_pYYYYMM.
    // Created standalone and ATTACHed (not CREATE … PARTITION OF) so that the parent is only
    // locked SHARE UPDATE EXCLUSIVE — writers and readers of the other months go on. Rows the
    // default partition caught for that month are moved into it first.
    await q.query(`
      CREATE FUNCTION history_ensure_month(parent text, month date) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        -- Months in UTC, whatever the session's TimeZone.
        lo text := to_char(date_trunc('month', month), 'YYYY-MM-DD') || ' 00:00:00+00';
        hi text := to_char(date_trunc('month', month) + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
        child text := parent || '_p' || to_char(date_trunc('month', month), 'YYYYMM');
        key text := history_partition_key(parent);
        caught boolean;
      BEGIN
        IF to_regclass(child) IS NOT NULL THEN RETURN false; END IF;
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', child, parent);
        -- The range as a CHECK lets ATTACH skip scanning the new table; dropped once attached.
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I >= %L::timestamptz AND %I < %L::timestamptz)',
                       child, child || '_range', key, lo, key, hi);
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I >= %L::timestamptz AND %I < %L::timestamptz)',
                       parent || '_default', key, lo, key, hi) INTO caught;
        IF caught THEN
          EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, parent || '_default');
          EXECUTE format('INSERT INTO %I SELECT * FROM %I WHERE %I >= %L::timestamptz AND %I < %L::timestamptz',
                         child, parent || '_default', key, lo, key, hi);
          EXECUTE format('DELETE FROM %I WHERE %I >= %L::timestamptz AND %I < %L::timestamptz',
                         parent || '_default', key, lo, key, hi);
          EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, child, lo, hi);
          EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I DEFAULT', parent, parent || '_default');
        ELSE
          EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, child, lo, hi);
        END IF;
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', child, child || '_range');
        RETURN true;
      END $$`);
    // The monthly partitions of a history table, oldest first, with their bounds.
    await q.query(`
      CREATE FUNCTION history_months(parent text)
      RETURNS TABLE (partition text, starts timestamptz, ends timestamptz) LANGUAGE sql STABLE AS $$
        SELECT c.relname::text,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = parent::regclass AND NOT pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
         ORDER BY 2
      $$`);

    // inbound_messages' reference to an attempt: a plain column from now on (see above).
    await q.query(`ALTER TABLE inbound_messages DROP CONSTRAINT inbound_messages_attempt_id_fkey`);

    for (const { table, key } of TABLES) {
      await q.query(`ALTER TABLE ${table} RENAME TO ${table}_unpartitioned`);
      await q.query(
        `CREATE TABLE ${table} (LIKE ${table}_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)
         PARTITION BY RANGE (${key})`,
      );
      await q.query(`CREATE TABLE ${table}_default PARTITION OF ${table} DEFAULT`);
      // Oldest row's month (or this one) to three months ahead.
      await q.query(
        `SELECT history_ensure_month('${table}', m::date)
           FROM generate_series(date_trunc('month', least(now(), (SELECT min(${key}) FROM ${table}_unpartitioned))),
                                date_trunc('month', now()) + interval '3 months', interval '1 month') AS m`,
      );
      await q.query(`INSERT INTO ${table} OVERRIDING SYSTEM VALUE SELECT * FROM ${table}_unpartitioned`);
      await q.query(`DROP TABLE ${table}_unpartitioned`);
    }

    await q.query(
      `SELECT setval(pg_get_serial_sequence('audit_events', 'id'), coalesce((SELECT max(id) FROM audit_events), 0) + 1, false)`,
    );

    await q.query(`
      ALTER TABLE contact_attempts ADD PRIMARY KEY (id, attempted_at),
        ADD CONSTRAINT contact_attempts_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
        ADD CONSTRAINT contact_attempts_campaign_fk FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE SET NULL,
        ADD CONSTRAINT contact_attempts_task_fk FOREIGN KEY (task_id) REFERENCES contact_tasks (id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX contact_attempts_id_idx ON contact_attempts (id)`);
    await q.query(`CREATE INDEX contact_attempts_customer_idx ON contact_attempts (customer_id, attempted_at DESC)`);
    await q.query(
      `CREATE INDEX contact_attempts_provider_ref_idx ON contact_attempts (provider, provider_ref) WHERE provider_ref IS NOT NULL`,
    );
    await q.query(`CREATE INDEX contact_attempts_task_idx ON contact_attempts (task_id) WHERE task_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX contact_attempts_campaign_idx ON contact_attempts (campaign_id, status) WHERE campaign_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX contact_attempts_attempted_idx ON contact_attempts (attempted_at)`);
    await q.query(`CREATE INDEX contact_attempts_unknown_idx ON contact_attempts (attempted_at) WHERE status = 'unknown'`);

    await q.query(`
      ALTER TABLE inbound_messages ADD PRIMARY KEY (id, received_at),
        ADD CONSTRAINT inbound_messages_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE`);
    await q.query(`CREATE INDEX inbound_messages_customer_idx ON inbound_messages (customer_id, received_at DESC)`);
    await q.query(`CREATE INDEX inbound_messages_provider_ref_idx ON inbound_messages (provider, provider_ref)`);
    await q.query(`CREATE INDEX inbound_messages_attempt_idx ON inbound_messages (attempt_id) WHERE attempt_id IS NOT NULL`);
    // A provider's message is kept once: its reference is claimed here before the message is stored.
    await q.query(`
      CREATE TABLE inbound_message_refs (
        provider     text NOT NULL,
        provider_ref text NOT NULL,
        received_at  timestamptz NOT NULL,
        PRIMARY KEY (provider, provider_ref)
      )`);
    await q.query(`CREATE INDEX inbound_message_refs_received_idx ON inbound_message_refs (received_at)`);
    await q.query(
      `INSERT INTO inbound_message_refs (provider, provider_ref, received_at)
       SELECT provider, provider_ref, min(received_at) FROM inbound_messages GROUP BY 1, 2`,
    );

    await q.query(`ALTER TABLE audit_events ADD PRIMARY KEY (id, at)`);
    await q.query(`CREATE INDEX audit_events_at_idx ON audit_events (at DESC)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at DESC)`);
    await q.query(`CREATE INDEX audit_events_code_idx ON audit_events (code, at DESC) WHERE code IS NOT NULL`);

    await q.query(`ALTER TABLE sandbox_messages ADD PRIMARY KEY (id, created_at)`);
    await q.query(`CREATE INDEX sandbox_messages_id_idx ON sandbox_messages (id)`);
    await q.query(`CREATE INDEX sandbox_messages_provider_ref_idx ON sandbox_messages (provider_ref) WHERE channel <> 'email'`);
    await q.query(`CREATE INDEX sandbox_messages_created_idx ON sandbox_messages (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX sandbox_messages_attempt_idx ON sandbox_messages (attempt_id) WHERE attempt_id IS NOT NULL`);

    // What survives a dropped month of attempts: the dashboard's daily figures (day in UTC).
    await q.query(`
      CREATE TABLE contact_attempt_days (
        day      date NOT NULL,
        channel  text NOT NULL,
        purpose  text NOT NULL,
        status   text NOT NULL,
        attempts integer NOT NULL CHECK (attempts > 0),
        PRIMARY KEY (day, channel, purpose, status)
      )`);
    // Each month retention dropped: which table, its bounds, how many rows, when.
    await q.query(`
      CREATE TABLE history_drops (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind       text NOT NULL CHECK (kind IN ('contact_history', 'inbound_messages', 'audit', 'sandbox')),
        partition  text NOT NULL,
        starts     timestamptz NOT NULL,
        ends       timestamptz NOT NULL,
        rows       bigint NOT NULL,
        dropped_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE history_drops`);
    await q.query(`DROP TABLE contact_attempt_days`);
    await q.query(`DROP TABLE inbound_message_refs`);
    for (const { table } of TABLES) {
      await q.query(`CREATE TABLE ${table}_flat (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)`);
      await q.query(`INSERT INTO ${table}_flat OVERRIDING SYSTEM VALUE SELECT * FROM ${table}`);
      await q.query(`DROP TABLE ${table} CASCADE`);
      await q.query(`ALTER TABLE ${table}_flat RENAME TO ${table}`);
      await q.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id)`);
    }
    await q.query(
      `SELECT setval(pg_get_serial_sequence('audit_events', 'id'), coalesce((SELECT max(id) FROM audit_events), 0) + 1, false)`,
    );
    await q.query(`ALTER TABLE contact_attempts
      ADD CONSTRAINT contact_attempts_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
      ADD CONSTRAINT contact_attempts_campaign_fk FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE SET NULL,
      ADD CONSTRAINT contact_attempts_task_fk FOREIGN KEY (task_id) REFERENCES contact_tasks (id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX contact_attempts_customer_idx ON contact_attempts (customer_id, attempted_at DESC)`);
    await q.query(
      `CREATE UNIQUE INDEX contact_attempts_provider_ref_key ON contact_attempts (provider, provider_ref) WHERE provider_ref IS NOT NULL`,
    );
    await q.query(`CREATE INDEX contact_attempts_task_idx ON contact_attempts (task_id) WHERE task_id IS NOT NULL`);
    await q.query(
      `CREATE INDEX contact_attempts_campaign_idx ON contact_attempts (campaign_id, status) WHERE campaign_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX contact_attempts_attempted_idx ON contact_attempts (attempted_at)`);
    await q.query(`CREATE INDEX contact_attempts_unknown_idx ON contact_attempts (attempted_at) WHERE status = 'unknown'`);
    await q.query(`ALTER TABLE inbound_messages
      ADD CONSTRAINT inbound_messages_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE,
      ADD CONSTRAINT inbound_messages_provider_provider_ref_key UNIQUE (provider, provider_ref),
      ADD CONSTRAINT inbound_messages_attempt_id_fkey FOREIGN KEY (attempt_id) REFERENCES contact_attempts (id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX inbound_messages_customer_idx ON inbound_messages (customer_id, received_at DESC)`);
    await q.query(`CREATE INDEX audit_events_at_idx ON audit_events (at DESC)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at DESC)`);
    await q.query(`CREATE INDEX audit_events_code_idx ON audit_events (code, at DESC) WHERE code IS NOT NULL`);
    await q.query(
      `CREATE UNIQUE INDEX sandbox_messages_provider_ref_key ON sandbox_messages (provider_ref) WHERE channel <> 'email'`,
    );
    await q.query(`CREATE INDEX sandbox_messages_created_idx ON sandbox_messages (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX sandbox_messages_attempt_idx ON sandbox_messages (attempt_id) WHERE attempt_id IS NOT NULL`);
    await q.query(`DROP FUNCTION history_months(text)`);
    await q.query(`DROP FUNCTION history_ensure_month(text, date)`);
    await q.query(`DROP FUNCTION history_partition_key(text)`);
  }
}
