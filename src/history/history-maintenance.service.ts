import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { withSessionLock } from '../database/job-lock';
import { HISTORY_KINDS, HistoryConfig, HistoryKind } from './history.config';
import { HistoryPartitionsRepository } from './history-partitions.repository';
import { MonthPartition, monthsToEnsure, monthStart, partitionsToDrop } from './history.rules';

/** Which partitioned table holds each kind of history. */
export const HISTORY_TABLES: Record<HistoryKind, string> = {
  contact_history: 'contact_attempts',
  inbound_messages: 'inbound_messages',
  audit: 'audit_events',
  sandbox: 'sandbox_messages',
  consent_evidence: 'consent_events',
};

/** One instance at a time maintains the partitions; the others find the lock taken and skip. */
const MAINTENANCE_LOCK = 'history-maintenance';

/** Days whose attempts are counted again each run: reports that come days late move a status. */
const SUMMARY_SETTLE_DAYS = 7;
const DAY_MS = 86_400_000;

export interface DroppedMonth {
  kind: HistoryKind;
  partition: string;
  starts: string;
  ends: string;
  /** The planner's count of the partition's rows (an exact count would read the whole month). */
  rows: number;
  /** Consent evidence: the month's entries still in force at the cutoff, kept in the default partition. */
  carried: number;
  /** The month taken out of the table, recorded and audited: what readers and writers wait for. */
  ms: number;
  /** Of `ms`, the DETACH (a catalogue change). */
  detachMs: number;
  /** The DROP of the detached month afterwards, in its own transaction: its files given back to the file system. */
  reclaimMs: number;
}

export interface MaintenanceReport {
  ran: boolean;
  created: string[];
  dropped: DroppedMonth[];
}

/**
 * The monthly partitions of the history tables (migrations 1764930000000, 1765030000000): months
 * created ahead, at start and daily, and months past their retention detached and dropped whole —
 * never deleted row by row. The attempts' daily figures are kept in contact_attempt_days day by
 * day, so a month of attempts is dropped without reading it; a month of consent evidence first
 * carries the entries still in force into the default partition. Every drop is in history_drops
 * and the audit log.
 */
@Injectable()
export class HistoryMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger(HistoryMaintenance.name);
  private readonly settings: HistoryConfig;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly partitions: HistoryPartitionsRepository,
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
    const report = await withSessionLock(this.db, MAINTENANCE_LOCK, async (session) => {
      const created = await this.ensureMonths(session.manager);
      await this.summariseDays(session.manager);
      await this.reclaimLeftovers(session.manager);
      const dropped: DroppedMonth[] = [];
      for (const kind of HISTORY_KINDS) dropped.push(...(await this.applyRetention(session.manager, kind)));
      await this.forgetInboundRefs(session.manager);
      return { ran: true, created, dropped };
    });
    return report ?? { ran: false, created: [], dropped: [] };
  }

  /** The current month and HISTORY_MONTHS_AHEAD after it, for every history table. */
  async ensureMonths(m: EntityManager = this.db.manager): Promise<string[]> {
    const created: string[] = [];
    for (const table of Object.values(HISTORY_TABLES)) {
      for (const month of monthsToEnsure(this.clock.now(), this.settings.monthsAhead)) {
        const made = await m.transaction(async (t) => {
          await this.partitions.shortLockTimeout(t);
          return this.partitions.ensureMonth(t, table, isoDate(month));
        });
        if (made) created.push(`${table}_p${isoDate(month).slice(0, 7).replace('-', '')}`);
      }
    }
    return created;
  }

  /** The monthly partitions of a kind's table, oldest first. */
  months(kind: HistoryKind, m: EntityManager = this.db.manager): Promise<MonthPartition[]> {
    return this.partitions.months(m, HISTORY_TABLES[kind]);
  }

  /** Drops the months of `kind` wholly older than its retention. */
  async applyRetention(m: EntityManager, kind: HistoryKind): Promise<DroppedMonth[]> {
    const due = partitionsToDrop(await this.months(kind, m), this.clock.now(), this.settings.retentionMonths[kind]);
    const dropped: DroppedMonth[] = [];
    for (const month of due) dropped.push(await this.drop(m, kind, month));
    return dropped;
  }

  /**
   * The attempts' daily figures (the dashboard's trends, kept after their month is dropped), from
   * the day after the last one counted — or, counted again, the last SUMMARY_SETTLE_DAYS — up to
   * today (UTC), and the older days a late change marked (contact_attempt_days_stale, migration
   * 1765040100000: a status moved, or an attempt recorded, days after its instant). A day's
   * figures are replaced whole, so a status a late report moved is counted once, where it now
   * stands. Bounded ranges: the planner reads the days' months only. A marked day older than the
   * oldest attempt kept is past retention: its figures stay as they were.
   */
  async summariseDays(m: EntityManager): Promise<void> {
    const today = new Date(Math.floor(this.clock.now().getTime() / DAY_MS) * DAY_MS);
    const { last, oldest } = await this.partitions.summarySpan(m);
    if (!oldest) return;
    const settled = today.getTime() - SUMMARY_SETTLE_DAYS * DAY_MS;
    const after = last ? Date.parse(`${last}T00:00:00Z`) + DAY_MS : Math.floor(oldest.getTime() / DAY_MS) * DAY_MS;
    const from = new Date(Math.min(after, settled));
    const kept = Math.floor(oldest.getTime() / DAY_MS) * DAY_MS;
    await m.transaction(async (t) => {
      // Taken in this transaction: a change marking one of these days meanwhile waits for it, and marks the day again.
      const ranges: [Date, Date][] = [[from, today]];
      for (const day of await this.partitions.takeStaleDays(t)) {
        const start = Date.parse(`${day}T00:00:00Z`);
        if (start >= kept && start < from.getTime()) ranges.push([new Date(start), new Date(start + DAY_MS)]);
      }
      for (const [start, end] of ranges) {
        await this.partitions.resummarise(t, { from: isoDate(start), to: isoDate(end) }, { from: start, to: end });
      }
    });
  }

  /**
   * Takes one month out of its table (`retire`), then drops it (`reclaim`). Retiring is catalogue
   * work, whatever the month holds, but for consent evidence's carried entries; dropping gives
   * the month's files back to the file system, which takes as long as the file system does — in
   * its own transaction, so nothing waits for it.
   */
  async drop(m: EntityManager, kind: HistoryKind, month: MonthPartition): Promise<DroppedMonth> {
    const started = performance.now();
    const retired = await this.retire(m, kind, month);
    const ms = Math.round(performance.now() - started);
    const reclaiming = performance.now();
    await this.reclaim(m, month.partition);
    const dropped = {
      kind,
      partition: month.partition,
      starts: new Date(month.starts).toISOString(),
      ends: new Date(month.ends).toISOString(),
      ...retired,
      ms,
      reclaimMs: Math.round(performance.now() - reclaiming),
    };
    this.logger.log(dropped, 'history month dropped');
    return dropped;
  }

  /**
   * Detaches one month, recorded in history_drops and the audit log, in one transaction. The
   * parent is locked ACCESS EXCLUSIVE while detaching; a lock that does not come within 5 s gives
   * up rather than queue every writer behind it, and the next run tries again.
   */
  private async retire(
    m: EntityManager,
    kind: HistoryKind,
    month: MonthPartition,
  ): Promise<{ rows: number; carried: number; detachMs: number }> {
    const table = HISTORY_TABLES[kind];
    return m.transaction(async (t) => {
      await this.partitions.shortLockTimeout(t);
      const rows = await this.partitions.estimatedRows(t, month.partition);
      const detaching = performance.now();
      await this.partitions.detach(t, table, month.partition);
      const detachMs = Math.round(performance.now() - detaching);
      const carried = kind === 'consent_evidence' ? await this.carryConsentInForce(t, month.partition) : 0;
      // What went, by which rule.
      await this.partitions.recordDrop(t, {
        kind,
        table,
        month,
        rows,
        rule: `retention:${kind}:${this.settings.retentionMonths[kind]}m`,
        at: this.clock.now(),
      });
      return { rows: Number(rows), carried, detachMs };
    });
  }

  /**
   * The evidence of what a customer last said is kept while it is in force: of a detached month
   * of the ledger, each customer's latest entry per channel and scope goes back into the ledger
   * (its default partition, as no month holds its instant any more), and the entries carried
   * earlier that it supersedes go — they were superseded before the cutoff, so past retention.
   * Months go oldest first, so what stays is each one's latest entry before the cutoff: the
   * state at the start of the window that every contact inside it relied on.
   */
  private async carryConsentInForce(t: EntityManager, partition: string): Promise<number> {
    const cutoff = monthStart(this.clock.now(), -this.settings.retentionMonths.consent_evidence);
    return this.partitions.carryConsentInForce(t, partition, cutoff);
  }

  private async reclaim(m: EntityManager, partition: string): Promise<void> {
    await this.partitions.dropTable(m, partition);
  }

  /** Months retired by a run that stopped before dropping them: recorded, detached, still on disk. */
  private async reclaimLeftovers(m: EntityManager): Promise<void> {
    for (const partition of await this.partitions.leftovers(m)) await this.reclaim(m, partition);
  }

  /**
   * The claims of inbound provider references older than the inbound retention: a retry of a
   * message that old is not coming. The one row-by-row delete of history — a key and a time per
   * message, no personal data, indexed by time.
   */
  private async forgetInboundRefs(m: EntityManager): Promise<void> {
    const cutoff = monthStart(this.clock.now(), -this.settings.retentionMonths.inbound_messages);
    await this.partitions.forgetInboundRefs(m, cutoff);
  }
}

function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}
