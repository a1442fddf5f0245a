import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, QueryRunner } from 'typeorm';
import { CustomerRow } from '../customer-row.validator';

/**
 * Batches of one import lock their rows in external reference order within one statement, so
 * they cannot deadlock with each other; an all-or-nothing import holds its row locks across
 * batches, so it takes this lock exclusively and other imports' batches (shared) wait for it.
 */
const IMPORT_WRITE_LOCK = 4_242_100;

/** The profile columns an import sets, in the table's order (and the staging table's, after `row_number`). */
export const CUSTOMER_IMPORT_COLUMNS = [
  'external_ref', 'full_name', 'phone', 'email', 'locale', 'timezone', 'country', 'city', 'card_last4',
  'card_status', 'currency', 'credit_limit', 'statement_balance', 'minimum_due', 'paid_this_cycle',
  'statement_date', 'due_date', 'days_past_due', 'risk_level', 'credit_score', 'card_issued_on',
  'last_card_activity_at', 'tags', 'attributes',
] as const; // prettier-ignore

const STAGING = 'customer_import_batch';

const STAGING_TABLE = `
  CREATE TEMP TABLE ${STAGING} (
    row_number integer NOT NULL, external_ref text NOT NULL, full_name text NOT NULL, phone text, email text,
    locale text NOT NULL, timezone text NOT NULL, country text NOT NULL, city text, card_last4 text,
    card_status text NOT NULL, currency text NOT NULL, credit_limit bigint NOT NULL, statement_balance bigint NOT NULL,
    minimum_due bigint NOT NULL, paid_this_cycle bigint NOT NULL, statement_date date, due_date date,
    days_past_due integer NOT NULL, risk_level text NOT NULL, credit_score integer, card_issued_on date,
    last_card_activity_at timestamptz, tags text[] NOT NULL, attributes jsonb NOT NULL,
    consent_sms text, consent_email text, consent_call text
  )`;

const assignments = CUSTOMER_IMPORT_COLUMNS.slice(1)
  .map((column) => `${column} = EXCLUDED.${column}`)
  .join(', ');
const current = CUSTOMER_IMPORT_COLUMNS.slice(1)
  .map((column) => `c.${column}`)
  .join(', ');
const incoming = CUSTOMER_IMPORT_COLUMNS.slice(1)
  .map((column) => `EXCLUDED.${column}`)
  .join(', ');

/**
 * One statement per batch. `batch`: the staged rows, the last one of a customer that appears
 * twice (ON CONFLICT may touch a row only once). `written`: the upsert, skipping profiles whose
 * imported fields are unchanged. `targets`: every staged row with its customer id — from the upsert's RETURNING, or
 * looked up for the unchanged ones. The consent rows follow: a new customer has no history to
 * compare with, an existing one gets a row only where the state differs from its latest.
 * $1: now, $2: evidence.
 */
const UPSERT_WITH_CONSENT = `
  WITH batch AS (
    SELECT DISTINCT ON (external_ref) * FROM pg_temp.${STAGING} ORDER BY external_ref, row_number DESC
  ),
  written AS (
    INSERT INTO customers AS c (${CUSTOMER_IMPORT_COLUMNS.join(', ')}, created_at, updated_at)
    SELECT ${CUSTOMER_IMPORT_COLUMNS.join(', ')}, $1, $1 FROM batch
    ORDER BY external_ref
    ON CONFLICT (external_ref) DO UPDATE SET ${assignments}, updated_at = EXCLUDED.updated_at
    WHERE (${current}) IS DISTINCT FROM (${incoming})
    RETURNING c.id, c.external_ref, (c.xmax = 0) AS inserted
  ),
  targets AS (
    SELECT id, external_ref, inserted FROM written
    UNION ALL
    SELECT (SELECT c.id FROM customers c WHERE c.external_ref = s.external_ref), s.external_ref, false
    FROM batch s
    WHERE NOT EXISTS (SELECT 1 FROM written w WHERE w.external_ref = s.external_ref)
  ),
  consent AS (
    INSERT INTO consent_events (customer_id, channel, scope, state, source, evidence, at)
    SELECT t.id, v.channel, 'marketing', v.state, 'import', $2::jsonb || jsonb_build_object('row', s.row_number), $1
    FROM targets t
    JOIN batch s ON s.external_ref = t.external_ref
    CROSS JOIN LATERAL (VALUES ('sms', s.consent_sms), ('email', s.consent_email), ('call', s.consent_call)) AS v (channel, state)
    WHERE v.state IS NOT NULL
      AND (t.inserted OR v.state IS DISTINCT FROM (
        SELECT e.state FROM consent_events e
        WHERE e.customer_id = t.id AND e.channel = v.channel AND e.scope = 'marketing'
        ORDER BY e.at DESC, e.id DESC LIMIT 1))
  )
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written`;

export interface BatchResult {
  inserted: number;
  updated: number;
}

/** Where a consent row came from: stored in the ledger's evidence with the row's number. */
export type ConsentEvidence = Record<string, string | number>;

export interface WriterOptions {
  /**
   * Connections writing at once. Rows are spread over them by external reference, so all rows
   * of one customer go through one connection, in file order. More than one lets PostgreSQL
   * use more than one core; a single transaction needs exactly one.
   */
  lanes: number;
  /** One transaction for everything (all-or-nothing), else one per batch and lane. */
  singleTransaction: boolean;
  evidence: ConsentEvidence;
}

/** COPY lines are joined this many at a time, so a batch is a few large strings rather than many small ones to keep alive. */
const LINES_PER_CHUNK = 256;

interface Lane {
  runner: QueryRunner;
  client: PoolClient;
  /** The batch so far: COPY text in chunks, and the lines not yet joined into one. */
  chunks: string[];
  lines: string[];
}

/**
 * Writes validated rows in batches: COPY into a session-local staging table per connection,
 * then one statement (upsert and consent, above) per batch. Profiles whose imported fields did
 * not change are not rewritten, and consent is recorded only where it differs from the
 * customer's latest marketing consent on that channel, so loading a file twice changes nothing.
 */
export class CustomerBatchWriter {
  private constructor(
    private readonly lanes: Lane[],
    private readonly options: WriterOptions,
  ) {}

  static async open(db: DataSource, options: WriterOptions): Promise<CustomerBatchWriter> {
    if (options.singleTransaction && options.lanes !== 1) throw new RangeError('a single transaction has a single lane');
    const lanes: Lane[] = [];
    const writer = new CustomerBatchWriter(lanes, options);
    try {
      for (let i = 0; i < options.lanes; i++) {
        const runner = db.createQueryRunner();
        lanes.push({ runner, client: (await runner.connect()) as PoolClient, chunks: [], lines: [] });
      }
      for (const { client } of lanes) {
        if (options.singleTransaction) {
          await client.query('BEGIN');
          await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_WRITE_LOCK]);
        }
        await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGING}`);
        await client.query(STAGING_TABLE);
      }
      return writer;
    } catch (error) {
      await writer.abandon();
      throw error;
    }
  }

  /** Queues a row for the next flush. */
  add(row: CustomerRow, rowNumber: number): void {
    const lane = this.lanes.length === 1 ? this.lanes[0] : this.lanes[hash(row.externalRef) % this.lanes.length];
    lane.lines.push(encodeCopyLine(row, rowNumber));
    if (lane.lines.length === LINES_PER_CHUNK) {
      lane.chunks.push(lane.lines.join(''));
      lane.lines = [];
    }
  }

  /** Writes the rows queued so far (taken at once, so adding may go on meanwhile), every lane in parallel. */
  async flush(now: Date): Promise<BatchResult> {
    const batches = this.lanes.map((lane) => {
      const chunks = lane.lines.length ? [...lane.chunks, lane.lines.join('')] : lane.chunks;
      lane.chunks = [];
      lane.lines = [];
      return chunks;
    });
    const results = await Promise.all(this.lanes.map((lane, i) => this.write(lane.client, batches[i], now)));
    return results.reduce((sum, r) => ({ inserted: sum.inserted + r.inserted, updated: sum.updated + r.updated }), {
      inserted: 0,
      updated: 0,
    });
  }

  /** Drops the rows queued since the last flush. */
  discard(): void {
    for (const lane of this.lanes) {
      lane.chunks = [];
      lane.lines = [];
    }
  }

  /** Keeps everything written (ending the single transaction, if there is one) and returns the connections. */
  async commit(): Promise<void> {
    for (const { client } of this.lanes) {
      await client.query(`DROP TABLE pg_temp.${STAGING}`);
      if (this.options.singleTransaction) await client.query('COMMIT');
    }
    await this.release();
  }

  /** Undoes what is not committed yet and returns the connections. Never throws: it runs on failure paths. */
  async abandon(): Promise<void> {
    await Promise.all(
      this.lanes.map(async ({ client }) => {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGING}`).catch(() => undefined);
      }),
    );
    await this.release();
  }

  private async release(): Promise<void> {
    await Promise.all(this.lanes.map(({ runner }) => runner.release().catch(() => undefined)));
    this.lanes.length = 0;
  }

  private async write(client: PoolClient, chunks: string[], now: Date): Promise<BatchResult> {
    if (!chunks.length) return { inserted: 0, updated: 0 };
    if (!this.options.singleTransaction) {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock_shared($1)', [IMPORT_WRITE_LOCK]);
    }
    await client.query(`TRUNCATE pg_temp.${STAGING}`);
    await copy(client, chunks);
    const { rows } = await client.query<BatchResult>(UPSERT_WITH_CONSENT, [now, JSON.stringify(this.options.evidence)]);
    if (!this.options.singleTransaction) await client.query('COMMIT');
    return rows[0];
  }
}

function copy(client: PoolClient, chunks: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(`COPY pg_temp.${STAGING} FROM STDIN`));
    stream.on('error', reject);
    stream.on('finish', resolve);
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
}

/** FNV-1a: a cheap, stable spread of external references over lanes. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One validated row as a line of PostgreSQL's COPY text format, in the staging table's column order. */
export function encodeCopyLine(row: CustomerRow, rowNumber: number): string {
  // Tags are letters, digits and _.:- only (see the validator), so quoting each is enough.
  const tags = row.tags.length ? `{"${row.tags.join('","')}"}` : '{}';
  return (
    `${rowNumber}\t${text(row.externalRef)}\t${text(row.fullName)}\t${nullable(row.phone)}\t${nullable(row.email)}\t` +
    `${row.locale}\t${row.timezone}\t${row.country}\t${nullable(row.city)}\t${nullable(row.cardLast4)}\t${row.cardStatus}\t` +
    `${row.currency}\t${row.creditLimit}\t${row.statementBalance}\t${row.minimumDue}\t${row.paidThisCycle}\t` +
    `${nullable(row.statementDate)}\t${nullable(row.dueDate)}\t${row.daysPastDue}\t${row.riskLevel}\t` +
    `${row.creditScore ?? NULL}\t${nullable(row.cardIssuedOn)}\t${row.lastCardActivityAt?.toISOString() ?? NULL}\t` +
    `${tags}\t${text(JSON.stringify(row.attributes))}\t` +
    `${row.consent.sms ?? NULL}\t${row.consent.email ?? NULL}\t${row.consent.call ?? NULL}\n`
  );
}

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function text(value: string): string {
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

function nullable(value: string | null): string {
  return value === null ? NULL : text(value);
}
