import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { hydrateEntity } from '../database/entity-row.mapper';
import { PreparedStatement } from '../database/prepared-statement';
import { sql } from '../database/sql';
import { ConsentEvent, ConsentScope, ConsentSource } from './consent-event.entity';
import { Channel, ConsentValue } from './policy.types';

const KEYS = ['sms_all', 'sms_marketing', 'email_all', 'email_marketing', 'call_all', 'call_marketing'] as const;

/**
 * The state (`granted`, `revoked` or NULL) of a channel and scope now, from a customer_consent_now
 * row `n` — the latest entry's instant, a revocation one more (migration 1764950000000) — as the
 * ledger's latest entry by ConsentService's order would say, without reading the ledger.
 */
export function consentNowState(n: string, channel: string, scope: string): string {
  const value = `CASE ${channel}::text || '_' || ${scope}::text ${KEYS.map((key) => `WHEN '${key}' THEN ${n}.${key}`).join(' ')} END`;
  return `(CASE ${value} & 1 WHEN 1 THEN 'revoked' WHEN 0 THEN 'granted' END)`;
}

/** A UTC month, `YYYY-MM-01`. */
export type LedgerMonth = string;

/**
 * `at` within one of `months` (UTC), as a condition the planner prunes by: each month a range on
 * the partition key, its bounds parameters from `$first` on (append `monthBounds(months)`).
 */
function inMonths(months: readonly LedgerMonth[], first: number): string {
  const ranges = months.map((_, i) => `(at >= $${first + 2 * i}::timestamptz AND at < $${first + 2 * i + 1}::timestamptz)`);
  return `(${ranges.join(' OR ')})`;
}

function monthBounds(months: readonly LedgerMonth[]): string[] {
  return months.flatMap((month) => {
    const start = new Date(`${month}T00:00:00Z`);
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    return [start.toISOString(), end.toISOString()];
  });
}

function monthOf(at: Date): LedgerMonth {
  return `${at.toISOString().slice(0, 7)}-01`;
}

/**
 * The latest entry decides; of two at the very same instant, the revocation (the customer's
 * refusal must never lose to a coincidence of timestamps), then the one recorded last.
 */
const LATEST_FIRST = `at DESC, (state = 'revoked') DESC, id DESC`;

/**
 * The entry, and whether it changed the state: the previous state is read in the same statement,
 * from customer_consent_now (which says what the ledger's latest entry says) rather than the
 * ledger, whose months would all be read for it.
 */
const APPEND_LOCKED = new PreparedStatement<Record<string, unknown> & { changed: boolean }>(
  'consent.append-locked',
  `WITH previous AS (
     SELECT ${consentNowState('n', '$2', '$3')} AS state FROM customer_consent_now n WHERE n.customer_id = $1
   ), appended AS (
     INSERT INTO consent_events (customer_id, channel, scope, state, source, evidence, actor_id, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *
   )
   SELECT appended.*, (SELECT state FROM previous) IS DISTINCT FROM $4 AS changed FROM appended`,
);

export interface LedgerEntry {
  customerId: string;
  channel: Channel;
  scope: ConsentScope;
  state: ConsentValue;
  source: ConsentSource;
  evidence: Record<string, unknown>;
  actorId: string | null;
  at: Date;
}

/** A customer's latest entry for a channel and scope. */
export interface LatestEntryRow {
  customerId: string;
  channel: Channel;
  scope: ConsentScope;
  state: ConsentValue;
  source: string;
  at: Date;
}

/** The consent ledger's statements (consent_events, with customer_consent_now and consent_ledger_months). */
@Injectable()
export class ConsentLedgerRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Appends the entry in the caller's transaction (the customer locked); whether it changed the state. */
  async append(manager: EntityManager, entry: LedgerEntry): Promise<{ event: ConsentEvent; changed: boolean }> {
    const [{ changed, ...row }] = await APPEND_LOCKED.run(manager, [
      entry.customerId,
      entry.channel,
      entry.scope,
      entry.state,
      entry.source,
      entry.evidence,
      entry.actorId,
      entry.at,
    ]);
    return { event: hydrateEntity(this.db, ConsentEvent, row), changed };
  }

  /**
   * The months of the ledger that hold each customer's entry in force at `upTo`, per channel and
   * scope: the month of `upTo` (if it holds any of theirs: it may hold only later ones) and the last
   * one before it. Kept by the ledger's writes (consent_ledger_months, migration 1765040000000).
   */
  async monthsInForceAt(customerIds: readonly string[], upTo: Date): Promise<LedgerMonth[]> {
    const rows = await sql<{ month: LedgerMonth }>(
      this.db,
      `SELECT DISTINCT to_char(m, 'YYYY-MM-DD') AS month
         FROM (SELECT max(month) FILTER (WHERE month < $2::date) AS before, max(month) FILTER (WHERE month = $2::date) AS own
                 FROM consent_ledger_months
                WHERE customer_id = ANY ($1::uuid[]) AND month <= $2::date
                GROUP BY customer_id, channel, scope) k
        CROSS JOIN LATERAL unnest(ARRAY[k.before, k.own]) AS m
        WHERE m IS NOT NULL
        ORDER BY 1`,
      [customerIds, monthOf(upTo)],
    );
    return rows.map((row) => row.month);
  }

  /** The months holding any of a customer's ledger entries, newest first. */
  async customerMonths(customerId: string): Promise<LedgerMonth[]> {
    const rows = await sql<{ month: LedgerMonth }>(
      this.db,
      `SELECT DISTINCT to_char(month, 'YYYY-MM-DD') AS month FROM consent_ledger_months WHERE customer_id = $1 ORDER BY 1 DESC`,
      [customerId],
    );
    return rows.map((row) => row.month);
  }

  /**
   * The instants of these customers' latest entries, as text (a Date would lose the microseconds).
   * Unpacked by a shift: it floors, where `v / 2` would round a revoked instant before 1970 up a microsecond.
   */
  async latestInstants(customerIds: readonly string[]): Promise<string[]> {
    const rows = await sql<{ at: string }>(
      this.db,
      `SELECT DISTINCT ('epoch'::timestamptz + (v >> 1) * interval '1 microsecond')::text AS at
         FROM customer_consent_now n
         CROSS JOIN LATERAL unnest(ARRAY[${KEYS.map((key) => `n.${key}`).join(', ')}]) AS v
        WHERE n.customer_id = ANY ($1::uuid[]) AND v IS NOT NULL`,
      [customerIds],
    );
    return rows.map((row) => row.at);
  }

  /**
   * Each customer's latest entry per channel and scope, read where `bound` says they are: at these
   * instants (now), or in these months (at `upTo`).
   */
  async latestEntries(customerIds: readonly string[], bound: string[], upTo?: Date): Promise<LatestEntryRow[]> {
    return sql<LatestEntryRow>(
      this.db,
      `SELECT DISTINCT ON (customer_id, channel, scope)
                customer_id AS "customerId", channel, scope, state, source, at
           FROM consent_events
          WHERE customer_id = ANY ($1::uuid[]) AND ${upTo ? `at <= $2 AND ${inMonths(bound, 3)}` : 'at = ANY ($2::timestamptz[])'}
          ORDER BY customer_id, channel, scope, ${LATEST_FIRST}`,
      upTo ? [customerIds, upTo, ...monthBounds(bound)] : [customerIds, bound],
    );
  }

  /** A page of the customer's entries in `months`, newest first, and how many they have (unknown past the end). */
  async entriesPage(
    customerId: string,
    months: LedgerMonth[],
    page: { limit: number; offset: number },
  ): Promise<{ items: ConsentEvent[]; total: number | undefined }> {
    const rows = await sql<Record<string, unknown> & { total: number }>(
      this.db,
      `SELECT e.*, count(*) OVER ()::int AS total
         FROM consent_events e
        WHERE customer_id = $1 AND ${inMonths(months, 4)}
        ORDER BY at DESC, id DESC
        LIMIT $2 OFFSET $3`,
      [customerId, page.limit, page.offset, ...monthBounds(months)],
    );
    return { items: rows.map((row) => hydrateEntity(this.db, ConsentEvent, row)), total: rows[0]?.total };
  }

  async countEntries(customerId: string, months: LedgerMonth[]): Promise<number> {
    const [{ total }] = await sql<{ total: number }>(
      this.db,
      `SELECT count(*)::int AS total FROM consent_events WHERE customer_id = $1 AND ${inMonths(months, 2)}`,
      [customerId, ...monthBounds(months)],
    );
    return total;
  }
}
