import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { HISTORY_KINDS, HistoryConfig, HistoryKind } from './history.config';
import { MonthPartition, monthsToEnsure, monthStart, partitionsToDrop } from './history.rules';

/** Which partitioned table holds each kind of history. */
export const HISTORY_TABLES: Record<HistoryKind, string> = {
  contact_history: 'contact_attempts',
  inbound_messages: 'inbound_messages',
  audit: 'audit_events',
  sandbox: 'sandbox_messages',
};

/** One instance at a time maintains the partitions; the others find the lock taken and skip. */
const MAINTENANCE_LOCK = 'history-maintenance';

export interface DroppedMonth {
  kind: HistoryKind;
  partition: string;
  starts: string;
  ends: string;
  /** The planner's count of the partition's rows (an exact count would read the whole month). */
  rows: number;
  ms: number;
  /** Of `ms`, the DETACH (a catalogue change); the rest is mostly the DROP giving the files back. */
  detachMs: number;
}

export interface MaintenanceReport {
  ran: boolean;
  created: string[];
  dropped: DroppedMonth[];
}

/**
 * The monthly partitions of the history tables (migration 1764930000000): months created ahead,
 * at start and daily, and months past their retention detached and dropped whole — never
 * deleted row by row. Before a month of attempts goes, its daily figures are kept in
 * contact_attempt_days; every drop is in history_drops and the audit log.
 */
@Injectable()
export class HistoryMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger(HistoryMaintenance.name);
  private readonly settings: HistoryConfig;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.settings = config.history;
  }

  /** At start, so that a new month never finds its partition missing (the default one would catch it). */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.maintenanceEnabled) return;
    await this.scheduled();
  }

  @Cron(CronExpression.EVERY_DAY_AT_1AM)
  async scheduled(): Promise<void> {
    if (!this.settings.maintenanceEnabled) return;
    try {
      const report = await this.run();
      if (report.ran && (report.created.length > 0 || report.dropped.length > 0)) this.logger.log(report, 'history maintenance');
    } catch (error) {
      // A lock that did not come in time (a long report on the parent) is retried by the next run.
      this.logger.error({ err: error }, 'history maintenance failed');
    }
  }

  /** Creates the months ahead and applies retention, if no other instance is doing it now. */
  async run(): Promise<MaintenanceReport> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [MAINTENANCE_LOCK]);
      if (!locked) return { ran: false, created: [], dropped: [] };
      try {
        const created = await this.ensureMonths(runner.manager);
        const dropped: DroppedMonth[] = [];
        for (const kind of HISTORY_KINDS) dropped.push(...(await this.applyRetention(runner.manager, kind)));
        await this.forgetInboundRefs(runner.manager);
        return { ran: true, created, dropped };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [MAINTENANCE_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  /** The current month and HISTORY_MONTHS_AHEAD after it, for every history table. */
  async ensureMonths(m: EntityManager = this.db.manager): Promise<string[]> {
    const created: string[] = [];
    for (const table of Object.values(HISTORY_TABLES)) {
      for (const month of monthsToEnsure(this.clock.now(), this.settings.monthsAhead)) {
        const made = await m.transaction(async (t) => {
          await t.query(`SET LOCAL lock_timeout = '5s'`);
          const [{ made }] = await t.query(`SELECT history_ensure_month($1, $2::date) AS made`, [table, isoDate(month)]);
          return made as boolean;
        });
        if (made) created.push(`${table}_p${isoDate(month).slice(0, 7).replace('-', '')}`);
      }
    }
    return created;
  }

  /** The monthly partitions of a kind's table, oldest first. */
  async months(kind: HistoryKind, m: EntityManager = this.db.manager): Promise<MonthPartition[]> {
    const rows: { partition: string; starts: Date; ends: Date }[] = await m.query(
      `SELECT partition, starts, ends FROM history_months($1)`,
      [HISTORY_TABLES[kind]],
    );
    return rows;
  }

  /** Drops the months of `kind` wholly older than its retention. */
  async applyRetention(m: EntityManager, kind: HistoryKind): Promise<DroppedMonth[]> {
    const due = partitionsToDrop(await this.months(kind, m), this.clock.now(), this.settings.retentionMonths[kind]);
    const dropped: DroppedMonth[] = [];
    for (const month of due) {
      if (kind === 'contact_history') await this.summarise(m, month.partition);
      dropped.push(await this.drop(m, kind, month));
    }
    return dropped;
  }

  /**
   * The daily figures of a month of attempts, kept after it is dropped (the dashboard's trends
   * beyond the window). Written again for a month already summarised, it replaces the figures.
   */
  async summarise(m: EntityManager, partition: string): Promise<void> {
    await m.query(
      `INSERT INTO contact_attempt_days (day, channel, purpose, status, attempts)
       SELECT (attempted_at AT TIME ZONE 'UTC')::date, channel, purpose, status, count(*)
         FROM ${quoteIdent(partition)} GROUP BY 1, 2, 3, 4
       ON CONFLICT (day, channel, purpose, status) DO UPDATE SET attempts = EXCLUDED.attempts`,
    );
  }

  /**
   * Detaches and drops one month: two catalogue changes, whatever the month holds. The parent is
   * locked for a moment (ACCESS EXCLUSIVE while detaching); a lock that does not come within 5 s
   * gives up rather than queue every writer behind it, and the next run tries again.
   */
  async drop(m: EntityManager, kind: HistoryKind, month: MonthPartition): Promise<DroppedMonth> {
    const table = HISTORY_TABLES[kind];
    const started = performance.now();
    let detachMs = 0;
    const rows = await m.transaction(async (t) => {
      await t.query(`SET LOCAL lock_timeout = '5s'`);
      const [{ rows }] = await t.query(`SELECT greatest(reltuples, 0)::bigint AS rows FROM pg_class WHERE oid = $1::regclass`, [
        month.partition,
      ]);
      const detaching = performance.now();
      await t.query(`ALTER TABLE ${quoteIdent(table)} DETACH PARTITION ${quoteIdent(month.partition)}`);
      detachMs = Math.round(performance.now() - detaching);
      await t.query(`DROP TABLE ${quoteIdent(month.partition)}`);
      await t.query(`INSERT INTO history_drops (kind, partition, starts, ends, rows) VALUES ($1, $2, $3, $4, $5)`, [
        kind,
        month.partition,
        month.starts,
        month.ends,
        rows,
      ]);
      // In the audit log beside the people's actions: what went, by which rule (no actor: Herald itself).
      await t.query(
        `INSERT INTO audit_events (action, target, status, correlation_id, at) VALUES ('history.retention.drop', $1, 200, $2, $3)`,
        [`${table}:${month.partition}`, `retention:${kind}:${this.settings.retentionMonths[kind]}m`, this.clock.now()],
      );
      return Number(rows);
    });
    const dropped = {
      kind,
      partition: month.partition,
      starts: new Date(month.starts).toISOString(),
      ends: new Date(month.ends).toISOString(),
      rows,
      ms: Math.round(performance.now() - started),
      detachMs,
    };
    this.logger.log(dropped, 'history month dropped');
    return dropped;
  }

  /**
   * The claims of inbound provider references older than the inbound retention: a retry of a
   * message that old is not coming. The one row-by-row delete of history — a key and a time per
   * message, no personal data, indexed by time.
   */
  private async forgetInboundRefs(m: EntityManager): Promise<void> {
    const cutoff = monthStart(this.clock.now(), -this.settings.retentionMonths.inbound_messages);
    await m.query(`DELETE FROM inbound_message_refs WHERE received_at < $1`, [cutoff]);
  }
}

function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Partition names come from the catalogue (`<table>_pYYYYMM`); quoted all the same. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
