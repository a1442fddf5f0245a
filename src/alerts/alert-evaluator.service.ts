import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { tryJobLock } from '../database/job-lock';
import { Sql, sqlOf } from '../database/sql';
import { AlertEpisodesRepository, EvaluationResult } from './alert-episodes.repository';
import { WrittenCustomers } from '../customers/import/customer-batch.writer';
import { movedByImport, touches } from './alert-rule.rules';
import { AlertRulesRepository, AlertRuleView } from './alert-rules.repository';

const JOB_LOCK = 'herald:alerts-job';

export interface AlertRunReport {
  /** False when another instance held the job's lock: this run did nothing. */
  ran: boolean;
  rules: number;
  fired: number;
  closed: number;
  at: string;
}

/**
 * Evaluates alert rules: on change, for the customers a write touched (one statement per rule
 * that reads what changed, whatever the number of customers), and on schedule over the whole
 * book for the rules that move with the calendar.
 */
@Injectable()
export class AlertEvaluator {
  private readonly logger = new Logger('AlertEvaluator');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly rules: AlertRulesRepository,
    private readonly episodes: AlertEpisodesRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * After a write to these customers: `changed` names the properties written (a PATCH, a
   * payment, a reply), or is undefined when anything may have changed. With `sql`, the evaluation
   * joins the caller's transaction (an import batch's); otherwise it runs in one of its own, opened
   * only when a rule reads what changed. The rules are read before that transaction, not in it on a
   * second connection: with as many evaluations at once as the pool has connections, each would
   * hold one and wait for ever for another.
   */
  async onChange(customerIds: readonly string[], changed?: readonly string[], sql?: Sql): Promise<EvaluationResult> {
    if (customerIds.length === 0) return { fired: 0, closed: 0 };
    const scope = (rule: AlertRuleView) => (touches(rule.reads, changed) ? customerIds : []);
    if (sql) return this.evaluateEach(sql, await this.rules.enabled(sql), scope);
    const rules = (await this.rules.enabled()).filter((rule) => scope(rule).length > 0);
    if (rules.length === 0) return { fired: 0, closed: 0 };
    return this.db.transaction((m) => this.evaluateEach(sqlOf(m), rules, scope));
  }

  /**
   * After an import batch, in its transaction: each rule for the batch's customers whose written
   * columns it reads, and for its new customers. A rule no row of the batch moved costs nothing.
   */
  async onImport(written: WrittenCustomers, sql: Sql): Promise<EvaluationResult> {
    if (written.ids.length === 0) return { fired: 0, closed: 0 };
    return this.evaluateEach(sql, await this.rules.enabled(sql), (rule) => movedByImport(rule.reads, written));
  }

  /** Each of `rules` over the customers `scope` gives it (none: no statement), one statement each. */
  private async evaluateEach(
    sql: Sql,
    rules: readonly AlertRuleView[],
    scope: (rule: AlertRuleView) => readonly string[],
  ): Promise<EvaluationResult> {
    const now = this.clock.now();
    const total = { fired: 0, closed: 0 };
    for (const rule of rules) {
      const customerIds = scope(rule);
      if (customerIds.length === 0) continue;
      const { fired, closed } = await this.episodes.evaluate(sql, rule, { customerIds }, now);
      total.fired += fired;
      total.closed += closed;
    }
    return total;
  }

  @Cron(CronExpression.EVERY_HOUR)
  async scheduled(): Promise<void> {
    if (!this.config.workOrders.alertsJobEnabled) return;
    try {
      const report = await this.runScheduled();
      if (report.ran) this.logger.log(report, 'alerts job');
    } catch (error) {
      this.logger.error({ message: (error as Error).message }, 'alerts job failed');
    }
  }

  /** The scheduled run on demand (ops, the risk manager); 409 while another instance runs it. */
  async runScheduledOrRefuse(): Promise<AlertRunReport> {
    const report = await this.runScheduled();
    if (!report.ran) {
      throw new DomainError(
        'JOB_RUNNING',
        'the alerts job is running elsewhere right now; try again shortly',
        HttpStatus.CONFLICT,
      );
    }
    return report;
  }

  /**
   * The scheduled rules over the whole book, one statement each, in one transaction under an
   * advisory lock: two instances never evaluate at once, and a rerun fires nothing twice.
   */
  async runScheduled(): Promise<AlertRunReport> {
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      if (!(await tryJobLock(m, JOB_LOCK))) return { ran: false, rules: 0, fired: 0, closed: 0, at: now.toISOString() };
      const rules = (await this.rules.enabled(sqlOf(m))).filter((rule) => rule.scheduled);
      const report = { ran: true, rules: rules.length, fired: 0, closed: 0, at: now.toISOString() };
      for (const rule of rules) {
        const { fired, closed } = await this.episodes.evaluate(sqlOf(m), rule, 'book', now);
        report.fired += fired;
        report.closed += closed;
      }
      return report;
    });
  }
}
