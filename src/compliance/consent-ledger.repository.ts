import { sql, SqlRunner } from '../database/sql';

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
 * The months of the ledger that hold each customer's entry in force at `upTo`, per channel and
 * scope: the month of `upTo` (if it holds any of theirs: it may hold only later ones) and the last
 * one before it. Kept by the ledger's writes (consent_ledger_months, migration 1765040000000).
 */
export async function monthsInForceAt(db: SqlRunner, customerIds: readonly string[], upTo: Date): Promise<LedgerMonth[]> {
  const rows = await sql<{ month: LedgerMonth }>(
    db,
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
export async function customerLedgerMonths(db: SqlRunner, customerId: string): Promise<LedgerMonth[]> {
  const rows = await sql<{ month: LedgerMonth }>(
    db,
    `SELECT DISTINCT to_char(month, 'YYYY-MM-DD') AS month FROM consent_ledger_months WHERE customer_id = $1 ORDER BY 1 DESC`,
    [customerId],
  );
  return rows.map((row) => row.month);
}

/**
 * `at` within one of `months` (UTC), as a condition the planner prunes by: each month a range on
 * the partition key, its bounds parameters from `$first` on (append `monthBounds(months)`).
 */
export function inMonths(months: readonly LedgerMonth[], first: number): string {
  const ranges = months.map((_, i) => `(at >= $${first + 2 * i}::timestamptz AND at < $${first + 2 * i + 1}::timestamptz)`);
  return `(${ranges.join(' OR ')})`;
}

export function monthBounds(months: readonly LedgerMonth[]): string[] {
  return months.flatMap((month) => {
    const start = new Date(`${month}T00:00:00Z`);
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    return [start.toISOString(), end.toISOString()];
  });
}

function monthOf(at: Date): LedgerMonth {
  return `${at.toISOString().slice(0, 7)}-01`;
}
