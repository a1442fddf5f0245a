import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, sqlOne } from '../database/sql';
import { MonthPartition } from './history.rules';

/**
 * The history tables' partitions, as the maintenance works them: each statement on the caller's
 * connection or transaction, which the maintenance owns (its lock timeouts, what goes
 * together). Partition and table names come from the catalogue and are quoted.
 */
@Injectable()
export class HistoryPartitionsRepository {
  /** Gives up on a lock not granted within 5 s, until the transaction ends. */
  async shortLockTimeout(t: EntityManager): Promise<void> {
    await sql(t, `SET LOCAL lock_timeout = '5s'`);
  }

  /** Creates the month's partition of `table`; false when it was there. */
  async ensureMonth(t: EntityManager, table: string, month: string): Promise<boolean> {
    const row = await sqlOne<{ made: boolean }>(t, `SELECT history_ensure_month($1, $2::date) AS made`, [table, month]);
    return row!.made;
  }

  /** The monthly partitions of `table`, oldest first. */
  months(m: EntityManager, table: string): Promise<MonthPartition[]> {
    return sql<MonthPartition>(m, `SELECT partition, starts, ends FROM history_months($1)`, [table]);
  }

  /** The last day the attempts' daily figures hold, and the oldest attempt there is. */
  async summarySpan(m: EntityManager): Promise<{ last: string | null; oldest: Date | null }> {
    const row = await sqlOne<{ last: string | null; oldest: Date | null }>(
      m,
      `SELECT (SELECT to_char(max(day), 'YYYY-MM-DD') FROM contact_attempt_days) AS last,
              (SELECT min(attempted_at) FROM contact_attempts) AS oldest`,
    );
    return row!;
  }

  /** Replaces the attempts' daily figures of the days in [from, to) (dates, and the instants they start at). */
  /** The days a late change marked since the last summary (contact_attempt_days_stale), unmarked. */
  async takeStaleDays(t: EntityManager): Promise<string[]> {
    const rows = await sql<{ day: string }>(
      t,
      `DELETE FROM contact_attempt_days_stale RETURNING to_char(day, 'YYYY-MM-DD') AS day`,
    );
    return rows.map((row) => row.day);
  }

  async resummarise(t: EntityManager, days: { from: string; to: string }, span: { from: Date; to: Date }): Promise<void> {
    await sql(t, `DELETE FROM contact_attempt_days WHERE day >= $1::date AND day < $2::date`, [days.from, days.to]);
    await sql(
      t,
      `INSERT INTO contact_attempt_days (day, channel, purpose, status, attempts)
       SELECT (attempted_at AT TIME ZONE 'UTC')::date, channel, purpose, status, count(*)
         FROM contact_attempts WHERE attempted_at >= $1 AND attempted_at < $2 GROUP BY 1, 2, 3, 4`,
      [span.from, span.to],
    );
  }

  /** The planner's count of a partition's rows (bigint, as PostgreSQL gives it: a string). */
  async estimatedRows(t: EntityManager, partition: string): Promise<string> {
    const [{ rows }] = await sql<{ rows: string }>(
      t,
      `SELECT greatest(reltuples, 0)::bigint AS rows FROM pg_class WHERE oid = $1::regclass`,
      [partition],
    );
    return rows;
  }

  async detach(t: EntityManager, table: string, partition: string): Promise<void> {
    await sql(t, `ALTER TABLE ${quoteIdent(table)} DETACH PARTITION ${quoteIdent(partition)}`);
  }

  /** The drop in history_drops, and in the audit log beside the people's actions (no actor: Herald itself). */
  async recordDrop(
    t: EntityManager,
    drop: { kind: string; table: string; month: MonthPartition; rows: string; rule: string; at: Date },
  ): Promise<void> {
    await sql(t, `INSERT INTO history_drops (kind, partition, starts, ends, rows) VALUES ($1, $2, $3, $4, $5)`, [
      drop.kind,
      drop.month.partition,
      drop.month.starts,
      drop.month.ends,
      drop.rows,
    ]);
    await sql(
      t,
      `INSERT INTO audit_events (action, target, status, correlation_id, at) VALUES ('history.retention.drop', $1, 200, $2, $3)`,
      [`${drop.table}:${drop.month.partition}`, drop.rule, drop.at],
    );
  }

  /**
   * Of a detached month of consent evidence, each customer's latest entry per channel and scope
   * back into the ledger (its default partition), the entries carried earlier that it supersedes
   * deleted first; how many were carried. The ledger is append-only: its trigger lets those
   * deletes through because the transaction declares the cutoff.
   */
  async carryConsentInForce(t: EntityManager, partition: string, cutoff: Date): Promise<number> {
    await sql(t, `SELECT set_config('herald.consent_retention_before', $1, true)`, [cutoff.toISOString()]);
    const latest = `SELECT DISTINCT ON (customer_id, channel, scope) * FROM ${quoteIdent(partition)}
                     ORDER BY customer_id, channel, scope, at DESC, (state = 'revoked') DESC, id DESC`;
    await sql(
      t,
      `DELETE FROM consent_events_default d USING (${latest}) l
        WHERE d.customer_id = l.customer_id AND d.channel = l.channel AND d.scope = l.scope AND d.at < $1
          AND (l.at, l.state = 'revoked', l.id) > (d.at, d.state = 'revoked', d.id)`,
      [cutoff],
    );
    const [{ carried }] = await sql<{ carried: number }>(
      t,
      `WITH kept AS (INSERT INTO consent_events OVERRIDING SYSTEM VALUE ${latest} RETURNING 1) SELECT count(*)::int AS carried FROM kept`,
    );
    return carried;
  }

  async dropTable(m: EntityManager, partition: string): Promise<void> {
    await sql(m, `DROP TABLE IF EXISTS ${quoteIdent(partition)}`);
  }

  /** Months retired by a run that stopped before dropping them: recorded, detached, still on disk. */
  async leftovers(m: EntityManager): Promise<string[]> {
    const left = await sql<{ partition: string }>(
      m,
      `SELECT partition FROM history_drops
        WHERE to_regclass(partition) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(partition))`,
    );
    return left.map((l) => l.partition);
  }

  async forgetInboundRefs(m: EntityManager, before: Date): Promise<void> {
    await sql(m, `DELETE FROM inbound_message_refs WHERE received_at < $1`, [before]);
  }
}

/** Partition names come from the catalogue (`<table>_pYYYYMM`); quoted all the same. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
