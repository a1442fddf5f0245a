import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, QueryRunner } from 'typeorm';
import { Clock } from '../../common/clock';
import { CONSENT_CHANNELS, CustomerRow } from '../customer-row.validator';
import { CustomerIdGenerator } from './customer-id.generator';
import { CONSENT_CHANGED_EVENTS } from '../../events/consent.events';
import { consentNowState } from '../../compliance/consent-ledger.repository';

/**
 * An upsert locks its rows in external reference order within one statement, so upserts cannot
 * deadlock with each other (two straight COPYs of the same new customers in different orders
 * can: the loser is undone and upserts instead). An all-or-nothing import holds its row locks
 * across batches, so it takes this lock exclusively and other imports' batches (shared) wait for it.
 */
const IMPORT_WRITE_LOCK = 4_242_100;

/** The profile columns an import sets, in the table's order. */
export const CUSTOMER_IMPORT_COLUMNS = [
  'external_ref', 'full_name', 'phone', 'email', 'locale', 'timezone', 'country', 'city', 'card_last4',
  'card_status', 'currency', 'credit_limit', 'statement_balance', 'minimum_due', 'paid_this_cycle',
  'statement_date', 'due_date', 'days_past_due', 'risk_level', 'credit_score', 'card_issued_on',
  'last_card_activity_at', 'tags', 'attributes',
] as const; // prettier-ignore

/** Every imported column's bit (see CHANGED_COLUMNS): a new customer's row, and only theirs (an update keeps its external_ref). */
export const NEW_CUSTOMER = 2 ** CUSTOMER_IMPORT_COLUMNS.length - 1;

/** A batch's two COPY streams, in the order of their lines. */
const PROFILE_COLUMNS = `id, ${CUSTOMER_IMPORT_COLUMNS.join(', ')}, created_at, updated_at`;
const CONSENT_COLUMNS = 'customer_id, channel, scope, state, source, evidence, at';

const STAGED_PROFILES = 'customer_import_batch';
const STAGED_CONSENT = 'customer_import_consent';

export const STAGING_TABLES = [
  `CREATE TEMP TABLE ${STAGED_PROFILES} (
    id uuid NOT NULL, external_ref text NOT NULL, full_name text NOT NULL, phone text, email text,
    locale text NOT NULL, timezone text NOT NULL, country text NOT NULL, city text, card_last4 text,
    card_status text NOT NULL, currency text NOT NULL, credit_limit bigint NOT NULL, statement_balance bigint NOT NULL,
    minimum_due bigint NOT NULL, paid_this_cycle bigint NOT NULL, statement_date date, due_date date,
    days_past_due integer NOT NULL, risk_level text NOT NULL, credit_score integer, card_issued_on date,
    last_card_activity_at timestamptz, tags text[] NOT NULL, attributes jsonb NOT NULL,
    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
  )`,
  // Evidence stays text until an entry is kept: reloading a file keeps none of them.
  `CREATE TEMP TABLE ${STAGED_CONSENT} (
    customer_id uuid NOT NULL, channel text NOT NULL, scope text NOT NULL, state text NOT NULL, source text NOT NULL,
    evidence text NOT NULL, at timestamptz NOT NULL
  )`,
];

/**
 * Which imported columns a written row changed, as bits (bit i: CUSTOMER_IMPORT_COLUMNS[i]),
 * comparing the row before the upsert (`c`) with the file's (`b`).
 */
const CHANGED_COLUMNS = CUSTOMER_IMPORT_COLUMNS.map(
  (column, i) => `(CASE WHEN c.${column} IS DISTINCT FROM b.${column} THEN ${2 ** i} ELSE 0 END)`,
).join(' + ');

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
 * A batch that meets customers already in the book: one statement. `batch`: the staged rows, the
 * last one of a customer that appears twice (ON CONFLICT may touch a row only once; ids grow in
 * file order). `changes`: the existing customers whose imported fields the batch changes, and
 * which (CHANGED_COLUMNS), read before the upsert writes them — the alert rules look only at the
 * customers whose fields they read. `written`: the upsert, skipping profiles whose imported fields are unchanged; a
 * new customer keeps the id it was staged with. `targets`: each kept row's staged id with its
 * customer's id — from the upsert's RETURNING, or looked up for the unchanged ones. The consent
 * rows follow, in file order: a new customer has no history to compare with, an existing one gets
 * a row only where the state differs from its latest.
 */
export const UPSERT_WITH_CONSENT = `
  WITH batch AS (
    SELECT DISTINCT ON (external_ref) * FROM pg_temp.${STAGED_PROFILES} ORDER BY external_ref, id DESC
  ),
  changes AS (
    SELECT coalesce(array_agg(id), '{}') AS ids, coalesce(array_agg(changed), '{}') AS changed
      FROM (SELECT c.id, ${CHANGED_COLUMNS} AS changed FROM batch b JOIN customers c ON c.external_ref = b.external_ref) m
     WHERE changed <> 0
  ),
  written AS (
    INSERT INTO customers AS c (${PROFILE_COLUMNS})
    SELECT ${PROFILE_COLUMNS} FROM batch
    ORDER BY external_ref
    ON CONFLICT (external_ref) DO UPDATE SET ${assignments}, updated_at = EXCLUDED.updated_at
    WHERE (${current}) IS DISTINCT FROM (${incoming})
    RETURNING c.id, c.external_ref, (c.xmax = 0) AS inserted
  ),
  targets AS (
    SELECT b.id AS staged_id,
           coalesce(w.id, (SELECT c.id FROM customers c WHERE c.external_ref = b.external_ref)) AS id,
           coalesce(w.inserted, false) AS inserted
    FROM batch b LEFT JOIN written w ON w.external_ref = b.external_ref
  ),
  consent AS (
    INSERT INTO consent_events (${CONSENT_COLUMNS})
    SELECT t.id, s.channel, s.scope, s.state, s.source, s.evidence::jsonb, s.at
    FROM pg_temp.${STAGED_CONSENT} s
    JOIN targets t ON t.staged_id = s.customer_id
    WHERE t.inserted OR s.state IS DISTINCT FROM (
      SELECT ${consentNowState('n', 's.channel', 's.scope')} FROM customer_consent_now n WHERE n.customer_id = t.id)
    ORDER BY s.customer_id, array_position(ARRAY['${CONSENT_CHANNELS.join("', '")}'], s.channel)
    RETURNING customer_id, channel, scope, state, source, at
  ),
  ${CONSENT_CHANGED_EVENTS('consent')}
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
         coalesce(array_agg(id) FILTER (WHERE inserted), '{}') AS "insertedIds",
         (SELECT ids FROM changes) AS "changedIds", (SELECT changed FROM changes) AS changed
    FROM written`;

/**
 * consent.changed for the entries the fast path COPY'd: its customers are new, so every entry they
 * have is the batch's own, and each is a change (from nothing). They all carry the batch's stamp,
 * so the ledger is read in that instant's month only.
 */
const NEW_CUSTOMERS_CONSENT_EVENTS = `
  WITH entries AS (
    SELECT customer_id, channel, scope, state, source, at FROM consent_events WHERE customer_id = ANY ($1::uuid[]) AND at = $2::timestamptz
  ),
  ${CONSENT_CHANGED_EVENTS('entries')}
  SELECT count(*)::int AS told FROM consent_changed`;

export interface BatchResult {
  inserted: number;
  updated: number;
}

/** The customers a batch inserted or changed (unchanged ones are left out), and what it changed of each. */
export interface WrittenCustomers {
  ids: string[];
  /** Per id, the imported columns written with a new value as bits (bit i: CUSTOMER_IMPORT_COLUMNS[i]); NEW_CUSTOMER for a new one. */
  changed: number[];
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
  /** Stamps each batch's rows (created_at, updated_at, the consent entries' time) when its first row is added. */
  clock: Clock;
  /**
   * Runs in each batch's transaction, on its connection, with the customers the batch inserted or
   * changed and what it changed of each: the alert rules' set-based evaluation.
   */
  afterBatch?: (client: PoolClient, written: WrittenCustomers) => Promise<void>;
}

/**
 * One COPY stream's text for the batch being built, written as UTF-8 into a buffer as each line
 * is made. Lines die young, and a batch waiting to be sent lives outside the JavaScript heap:
 * kept as strings until the flush, a batch was most of what the garbage collector worked on.
 */
class CopyBuffer {
  private buffer: Buffer | undefined;
  private length = 0;
  private capacity = 1 << 20;

  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = line.length * 3;
    if (!this.buffer || this.length + room > this.buffer.length) this.grow(room);
    this.length += this.buffer!.write(line, this.length);
  }

  /** The text so far; the next line starts a new buffer, as this one may still be on its way to the database. */
  take(): Buffer[] {
    const text = this.buffer && this.length ? [this.buffer.subarray(0, this.length)] : [];
    this.buffer = undefined;
    this.length = 0;
    return text;
  }

  private grow(room: number): void {
    while (this.length + room > this.capacity) this.capacity *= 2;
    const bigger = Buffer.allocUnsafe(this.capacity);
    this.buffer?.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

interface Lane {
  runner: QueryRunner;
  client: PoolClient;
  profiles: CopyBuffer;
  consent: CopyBuffer;
  rows: number;
  ids: string[];
}

interface Batch {
  profiles: Buffer[];
  consent: Buffer[];
  rows: number;
  ids: string[];
  /** The instant of every row's profile and consent entries. */
  stamp: string | undefined;
}

/**
 * Writes validated rows in batches, each row encoded once as COPY text: the profile with an id
 * made here, and its consent entries citing that id. While the import meets only new customers
 * a batch is COPY'd straight into `customers` and `consent_events`. The first batch that meets
 * an existing external reference (or names one twice) fails on the unique key and is undone;
 * it, and every batch after it, is COPY'd into session-local staging tables and written by one
 * upsert-with-consent statement, which leaves unchanged profiles alone and records consent only
 * where it differs from the customer's latest marketing consent on that channel — so loading a
 * file twice changes nothing.
 */
export class CustomerBatchWriter {
  private readonly ids = new CustomerIdGenerator();
  /** `{"importId":"…","row":` as COPY text: each consent entry's evidence, up to its row number. */
  private readonly evidencePrefix: string;
  private stamp: string | undefined;
  /** Until a batch meets an existing customer, batches skip the staging tables. */
  private onlyNewSoFar = true;

  private constructor(
    private readonly lanes: Lane[],
    private readonly options: WriterOptions,
  ) {
    const evidence = JSON.stringify(options.evidence);
    this.evidencePrefix = text(`${evidence.slice(0, -1)}${evidence === '{}' ? '' : ','}"row":`);
  }

  static async open(db: DataSource, options: WriterOptions): Promise<CustomerBatchWriter> {
    if (options.singleTransaction && options.lanes !== 1) throw new RangeError('a single transaction has a single lane');
    const lanes: Lane[] = [];
    const writer = new CustomerBatchWriter(lanes, options);
    try {
      for (let i = 0; i < options.lanes; i++) {
        const runner = db.createQueryRunner();
        const client = (await runner.connect()) as PoolClient;
        lanes.push({ runner, client, profiles: new CopyBuffer(), consent: new CopyBuffer(), rows: 0, ids: [] });
      }
      for (const { client } of lanes) {
        if (options.singleTransaction) {
          await client.query('BEGIN');
          await client.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_WRITE_LOCK]);
        }
        await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGED_PROFILES}, pg_temp.${STAGED_CONSENT}`);
        for (const table of STAGING_TABLES) await client.query(table);
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
    const stamp = (this.stamp ??= this.options.clock.now().toISOString());
    const id = this.ids.next();
    lane.profiles.push(encodeProfileLine(id, row, stamp));
    if (this.options.afterBatch) lane.ids.push(id);
    const { sms, email, call } = row.consent;
    if (sms) lane.consent.push(this.consentLine(id, 'sms', sms, rowNumber, stamp));
    if (email) lane.consent.push(this.consentLine(id, 'email', email, rowNumber, stamp));
    if (call) lane.consent.push(this.consentLine(id, 'call', call, rowNumber, stamp));
    lane.rows++;
  }

  /** Writes the rows queued so far (taken at once, so adding may go on meanwhile), every lane in parallel. */
  async flush(): Promise<BatchResult> {
    const batches = this.lanes.map((lane) => this.take(lane));
    this.stamp = undefined;
    const results = await Promise.all(this.lanes.map((lane, i) => this.write(lane.client, batches[i])));
    return results.reduce((sum, r) => ({ inserted: sum.inserted + r.inserted, updated: sum.updated + r.updated }), {
      inserted: 0,
      updated: 0,
    });
  }

  /** Drops the rows queued since the last flush. */
  discard(): void {
    for (const lane of this.lanes) this.take(lane);
    this.stamp = undefined;
  }

  /** Keeps everything written (ending the single transaction, if there is one) and returns the connections. */
  async commit(): Promise<void> {
    for (const { client } of this.lanes) {
      await client.query(`DROP TABLE pg_temp.${STAGED_PROFILES}, pg_temp.${STAGED_CONSENT}`);
      if (this.options.singleTransaction) await client.query('COMMIT');
    }
    await this.release();
  }

  /** Undoes what is not committed yet and returns the connections. Never throws: it runs on failure paths. */
  async abandon(): Promise<void> {
    await Promise.all(
      this.lanes.map(async ({ client }) => {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.query(`DROP TABLE IF EXISTS pg_temp.${STAGED_PROFILES}, pg_temp.${STAGED_CONSENT}`).catch(() => undefined);
      }),
    );
    await this.release();
  }

  private consentLine(id: string, channel: string, state: string, rowNumber: number, stamp: string): string {
    return `${id}\t${channel}\tmarketing\t${state}\timport\t${this.evidencePrefix}${rowNumber}}\t${stamp}\n`;
  }

  private take(lane: Lane): Batch {
    const batch = {
      profiles: lane.profiles.take(),
      consent: lane.consent.take(),
      rows: lane.rows,
      ids: lane.ids,
      stamp: this.stamp,
    };
    lane.rows = 0;
    lane.ids = [];
    return batch;
  }

  private async release(): Promise<void> {
    await Promise.all(this.lanes.map(({ runner }) => runner.release().catch(() => undefined)));
    this.lanes.length = 0;
  }

  private async write(client: PoolClient, batch: Batch): Promise<BatchResult> {
    if (!batch.rows) return { inserted: 0, updated: 0 };
    await this.begin(client);
    if (this.onlyNewSoFar) {
      try {
        await copy(client, `COPY customers (${PROFILE_COLUMNS}) FROM STDIN`, batch.profiles);
        await copy(client, `COPY consent_events (${CONSENT_COLUMNS}) FROM STDIN`, batch.consent);
        if (batch.consent.length > 0) await client.query(NEW_CUSTOMERS_CONSENT_EVENTS, [batch.ids, batch.stamp]);
        await this.options.afterBatch?.(client, { ids: batch.ids, changed: batch.ids.map(() => NEW_CUSTOMER) });
        await this.end(client);
        return { inserted: batch.rows, updated: 0 };
      } catch (error) {
        if (!metExistingCustomer(error)) throw error;
        this.onlyNewSoFar = false;
        await this.undo(client);
        await this.begin(client);
      }
    }
    await client.query(`TRUNCATE pg_temp.${STAGED_PROFILES}, pg_temp.${STAGED_CONSENT}`);
    await copy(client, `COPY pg_temp.${STAGED_PROFILES} FROM STDIN`, batch.profiles);
    await copy(client, `COPY pg_temp.${STAGED_CONSENT} FROM STDIN`, batch.consent);
    const { rows } = await client.query<BatchResult & { insertedIds: string[]; changedIds: string[]; changed: number[] }>(
      UPSERT_WITH_CONSENT,
    );
    const { insertedIds, changedIds, changed, ...result } = rows[0];
    await this.options.afterBatch?.(client, {
      ids: [...insertedIds, ...changedIds],
      changed: [...insertedIds.map(() => NEW_CUSTOMER), ...changed],
    });
    await this.end(client);
    return result;
  }

  /** A batch is its own transaction, or, inside the single one, a savepoint that a failed fast path returns to. */
  private async begin(client: PoolClient): Promise<void> {
    if (this.options.singleTransaction) {
      await client.query('SAVEPOINT import_batch');
    } else {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock_shared($1)', [IMPORT_WRITE_LOCK]);
    }
  }

  private async end(client: PoolClient): Promise<void> {
    await client.query(this.options.singleTransaction ? 'RELEASE SAVEPOINT import_batch' : 'COMMIT');
  }

  private async undo(client: PoolClient): Promise<void> {
    await client.query(this.options.singleTransaction ? 'ROLLBACK TO SAVEPOINT import_batch' : 'ROLLBACK');
  }
}

/**
 * A straight COPY of new customers ran into one already there (or a reference the batch names
 * twice), or into another import's batch writing the same new customers in another order.
 */
function metExistingCustomer(error: unknown): boolean {
  const { code, table } = error as { code?: string; table?: string };
  return (code === '23505' && table === 'customers') || code === '40P01';
}

function copy(client: PoolClient, statement: string, chunks: Buffer[]): Promise<void> {
  if (!chunks.length) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(statement));
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

/** One validated profile as a line of PostgreSQL's COPY text format: `PROFILE_COLUMNS`, in order. */
export function encodeProfileLine(id: string, row: CustomerRow, stamp: string): string {
  // Tags are letters, digits and _.:- only (see the validator), so quoting each is enough.
  const tags = row.tags.length ? `{"${row.tags.join('","')}"}` : '{}';
  return (
    `${id}\t${text(row.externalRef)}\t${text(row.fullName)}\t${nullable(row.phone)}\t${nullable(row.email)}\t` +
    `${row.locale}\t${row.timezone}\t${row.country}\t${nullable(row.city)}\t${nullable(row.cardLast4)}\t${row.cardStatus}\t` +
    `${row.currency}\t${row.creditLimit}\t${row.statementBalance}\t${row.minimumDue}\t${row.paidThisCycle}\t` +
    `${nullable(row.statementDate)}\t${nullable(row.dueDate)}\t${row.daysPastDue}\t${row.riskLevel}\t` +
    `${row.creditScore ?? NULL}\t${nullable(row.cardIssuedOn)}\t${row.lastCardActivityAt?.toISOString() ?? NULL}\t` +
    `${tags}\t${text(JSON.stringify(row.attributes))}\t${stamp}\t${stamp}\n`
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
