import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, QueryRunner } from 'typeorm';
import { Clock } from '../../common/clock';
import { CONSENT_CHANNELS, CustomerRow } from '../customer-row.validator';
import { ConsentEvidence, CustomerRowEncoder, EncodedBatch } from './customer-row.encoder';

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

/** A batch's two COPY streams, in the order of their lines. */
const PROFILE_COLUMNS = `id, ${CUSTOMER_IMPORT_COLUMNS.join(', ')}, created_at, updated_at`;
const CONSENT_COLUMNS = 'customer_id, channel, scope, state, source, evidence, at';

const STAGED_PROFILES = 'customer_import_batch';
const STAGED_CONSENT = 'customer_import_consent';

const STAGING_TABLES = [
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
 * file order). `written`: the upsert, skipping profiles whose imported fields are unchanged; a
 * new customer keeps the id it was staged with. `targets`: each kept row's staged id with its
 * customer's id — from the upsert's RETURNING, or looked up for the unchanged ones. The consent
 * rows follow, in file order: a new customer has no history to compare with, an existing one gets
 * a row only where the state differs from its latest.
 */
const UPSERT_WITH_CONSENT = `
  WITH batch AS (
    SELECT DISTINCT ON (external_ref) * FROM pg_temp.${STAGED_PROFILES} ORDER BY external_ref, id DESC
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
      SELECT e.state FROM consent_events e
      WHERE e.customer_id = t.id AND e.channel = s.channel AND e.scope = s.scope
      ORDER BY e.at DESC, e.id DESC LIMIT 1)
    ORDER BY s.customer_id, array_position(ARRAY['${CONSENT_CHANNELS.join("', '")}'], s.channel)
  )
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
         coalesce(array_agg(id), '{}') AS ids FROM written`;

export interface BatchResult {
  inserted: number;
  updated: number;
}

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
   * Runs in each batch's transaction, on its connection, with the ids of the customers the batch
   * inserted or changed (unchanged ones are left out): the alert rules' set-based evaluation.
   */
  afterBatch?: (client: PoolClient, customerIds: string[]) => Promise<void>;
}

interface Connection {
  runner: QueryRunner;
  client: PoolClient;
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
  private readonly encoder: CustomerRowEncoder;
  private stamp: string | undefined;
  /** Until a batch meets an existing customer, batches skip the staging tables. */
  private onlyNewSoFar = true;

  private constructor(
    private readonly lanes: Connection[],
    private readonly options: WriterOptions,
  ) {
    this.encoder = new CustomerRowEncoder({ lanes: options.lanes, evidence: options.evidence, withIds: !!options.afterBatch });
  }

  static async open(db: DataSource, options: WriterOptions): Promise<CustomerBatchWriter> {
    if (options.singleTransaction && options.lanes !== 1) throw new RangeError('a single transaction has a single lane');
    const lanes: Connection[] = [];
    const writer = new CustomerBatchWriter(lanes, options);
    try {
      for (let i = 0; i < options.lanes; i++) {
        const runner = db.createQueryRunner();
        const client = (await runner.connect()) as PoolClient;
        lanes.push({ runner, client });
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
    const stamp = (this.stamp ??= this.options.clock.now().toISOString());
    this.encoder.add(row, rowNumber, stamp);
  }

  /** Writes the rows queued so far (taken at once, so adding may go on meanwhile), every lane in parallel. */
  flush(): Promise<BatchResult> {
    const batches = this.encoder.take();
    this.stamp = undefined;
    return this.write(batches);
  }

  /**
   * Writes batches encoded elsewhere (by a CustomerRowEncoder with as many lanes and the same
   * evidence, on a worker thread), every lane in parallel.
   */
  async write(batches: EncodedBatch[]): Promise<BatchResult> {
    if (batches.length !== this.lanes.length) throw new RangeError(`${batches.length} batches for ${this.lanes.length} lanes`);
    const results = await Promise.all(this.lanes.map((lane, i) => this.writeLane(lane.client, batches[i])));
    return results.reduce((sum, r) => ({ inserted: sum.inserted + r.inserted, updated: sum.updated + r.updated }), {
      inserted: 0,
      updated: 0,
    });
  }

  /** Drops the rows queued since the last flush. */
  discard(): void {
    this.encoder.take();
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

  private async release(): Promise<void> {
    await Promise.all(this.lanes.map(({ runner }) => runner.release().catch(() => undefined)));
    this.lanes.length = 0;
  }

  private async writeLane(client: PoolClient, batch: EncodedBatch): Promise<BatchResult> {
    if (!batch.rows) return { inserted: 0, updated: 0 };
    await this.begin(client);
    if (this.onlyNewSoFar) {
      try {
        await copy(client, `COPY customers (${PROFILE_COLUMNS}) FROM STDIN`, batch.profiles);
        await copy(client, `COPY consent_events (${CONSENT_COLUMNS}) FROM STDIN`, batch.consent);
        await this.options.afterBatch?.(client, batch.ids);
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
    const { rows } = await client.query<BatchResult & { ids: string[] }>(UPSERT_WITH_CONSENT);
    const { ids, ...result } = rows[0];
    await this.options.afterBatch?.(client, ids);
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
