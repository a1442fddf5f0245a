import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { OutboxRepository } from '../../dispatch/outbox.repository';
import { AppConfig } from '../../config/app-config';
import { EventOutbox } from '../../events/event-outbox.repository';
import { WorkOrdersRepository } from '../../work-orders/work-orders.repository';
import { PURPOSE_PRIORITY } from '../../dispatch/contact-task.entity';
import {
  ACTIVATION_STEPS,
  CALL_HOURS,
  EARLY_COLLECTIONS,
  LATER_BUCKETS,
  LATER_COLLECTIONS_TEMPLATE,
  MIN_ANSWERS_FOR_PREFERENCE,
  REMINDER_STEPS,
} from './contact-plan';
import { RepaymentConfig } from './repayment.config';
import { RepaymentRepository } from './repayment.repository';
import { subjectRefSql } from '../../common/subject-ref';
import { tryJobLock } from '../../database/job-lock';

export interface FlowJobOptions {
  /**
   * Work as if it were this date (YYYY-MM-DD) in every customer's zone — a missed day caught up,
   * or a demo — instead of each customer's own local today. Contacts are still due no earlier than now.
   */
  localDate?: string;
}

export interface FlowJobReport {
  /** False when another instance held the job's lock: this run did nothing. */
  ran: boolean;
  reminders: number;
  collectionMessages: number;
  agentTasks: number;
  activations: number;
  brokenPromises: number;
  activationsCancelled: number;
}

const JOB_LOCK = 'herald:repayment-job';

/**
 * The day the job works for, in the customer's zone: the date it was asked to run for (the
 * parameter `date`, when not NULL), else the customer's local date at $1 (the job's instant).
 */
const localToday = (date: string) => `coalesce(${date}::date, ($1::timestamptz AT TIME ZONE c.timezone)::date)`;
/** A local date and hour in the customer's zone as an instant (PostgreSQL's zone rules, DST included). */
const localInstant = (date: string, hour: string) => `((${date}) + make_interval(hours => ${hour})) AT TIME ZONE c.timezone`;
/** A collection contact waits while the customer's promise to pay stands (`grace`: its parameter). */
const noPromiseHold = (grace: string) => `(c.promise_to_pay_status IS DISTINCT FROM 'open'
  OR $1::timestamptz >= ((c.promise_to_pay_on + ${grace}::int + 1)::timestamp AT TIME ZONE c.timezone))`;
/** The local hour this customer answers calls most, among the allowed hours, with enough evidence. */
const bestHour = (first: string, last: string, evidence: string) => `LEFT JOIN LATERAL (
    SELECT extract(hour FROM a.attempted_at AT TIME ZONE c.timezone)::int AS hour
      FROM contact_attempts a
     WHERE a.customer_id = c.id AND a.channel = 'call' AND a.connected
     GROUP BY 1
    HAVING extract(hour FROM a.attempted_at AT TIME ZONE c.timezone)::int BETWEEN ${first} AND ${last}
       AND count(*) >= ${evidence}
     ORDER BY count(*) DESC, 1
     LIMIT 1) best ON true`;

/**
 * The daily flows, run hourly so that each customer is picked up in their own local day: repayment
 * reminders before the due date, collections by days past due, and card activation. Each step is
 * one INSERT … SELECT over the book; the (subject, step) key makes a rerun or a second instance
 * queue nothing twice, and a transaction-level advisory lock keeps two instances from racing.
 */
@Injectable()
export class RepaymentJob {
  private readonly logger = new Logger(RepaymentJob.name);
  private readonly settings: RepaymentConfig;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repayment: RepaymentRepository,
    private readonly outbox: OutboxRepository,
    private readonly workOrders: WorkOrdersRepository,
    private readonly events: EventOutbox,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.settings = config.repayment;
  }

  @Cron(CronExpression.EVERY_HOUR)
  async scheduled(): Promise<void> {
    if (!this.settings.jobEnabled) return;
    const report = await this.run();
    if (report.ran) this.logger.log(report, 'repayment job');
  }

  async run(options: FlowJobOptions = {}): Promise<FlowJobReport> {
    const now = this.clock.now();
    const day = options.localDate ?? null;
    return this.db.transaction(async (m) => {
      if (!(await tryJobLock(m, JOB_LOCK))) {
        return {
          ran: false,
          reminders: 0,
          collectionMessages: 0,
          agentTasks: 0,
          activations: 0,
          brokenPromises: 0,
          activationsCancelled: 0,
        };
      }
      const brokenPromises = await this.breakLapsedPromises(m, now);
      return {
        ran: true,
        brokenPromises,
        reminders: await this.queueReminders(m, now, day),
        collectionMessages: await this.queueEarlyCollections(m, now, day),
        agentTasks: await this.queueLaterCollections(m, now, day),
        activationsCancelled: await this.cancelActivationsOfActiveCards(m),
        activations: await this.queueActivations(m, now, day),
      };
    });
  }

  /** Promises whose date and grace passed without the amount paid since: broken, on the profile. */
  private async breakLapsedPromises(m: EntityManager, now: Date): Promise<number> {
    const rows = await this.repayment.breakLapsedPromises(m, now, this.settings.promiseGraceDays);
    await this.events.record(
      m,
      rows.map((r) => ({
        type: 'promise_to_pay.broken',
        customerId: r.id,
        occurredAt: now,
        data: { customerId: r.id, promisedOn: r.promisedOn, amount: Number(r.amount) },
      })),
    );
    return rows.length;
  }

  private async queueReminders(m: EntityManager, now: Date, day: string | null): Promise<number> {
    let queued = 0;
    for (const step of REMINDER_STEPS) {
      const address = step.channel === 'email' ? 'c.email' : 'c.phone';
      const hour = step.channel === 'call' ? 'coalesce(best.hour, $5)' : '$5';
      queued += await this.outbox.enqueueSelected(m, {
        columns: ['customer_id', 'purpose', 'channel', 'template_key', 'subject_ref', 'step', 'due_at', 'expires_at', 'priority'],
        onConflict: 'flow-step',
        select: `SELECT c.id, 'service', $6, $7, ${subjectRefSql('repay', 'c.id', 'c.due_date')}, $8,
                  greatest($1::timestamptz, ${localInstant(localToday('$11'), hour)}),
                  -- A reminder is pointless once the due day is over.
                  (c.due_date + 1)::timestamp AT TIME ZONE c.timezone,
                  $9
             FROM customers c
             ${bestHour('$2', '$3', '$4')}
            WHERE c.due_date IS NOT NULL AND c.paid_this_cycle < c.minimum_due AND ${address} IS NOT NULL
              AND ${localToday('$11')} = c.due_date - $10::int`,
        params: [
          now,
          CALL_HOURS.first,
          CALL_HOURS.last,
          MIN_ANSWERS_FOR_PREFERENCE,
          this.settings.localHour,
          step.channel,
          step.templateKey,
          step.step,
          PURPOSE_PRIORITY.service,
          step.daysBeforeDue,
          day,
        ],
      });
    }
    return queued;
  }

  /** One SMS per week in the early bucket, unless a promise to pay stands. */
  private async queueEarlyCollections(m: EntityManager, now: Date, day: string | null): Promise<number> {
    const { firstDay, lastDay, everyDays, firstStep, templateKey } = EARLY_COLLECTIONS;
    return this.outbox.enqueueSelected(m, {
      columns: ['customer_id', 'purpose', 'channel', 'template_key', 'subject_ref', 'step', 'due_at', 'priority'],
      onConflict: 'flow-step',
      select: `SELECT c.id, 'collections', 'sms', $4, ${subjectRefSql('collect', 'c.id', 'c.due_date')},
                $5::int + (c.days_past_due - $6::int) / $7::int,
                greatest($1::timestamptz, ${localInstant(localToday('$10'), '$3')}), $8
           FROM customers c
          WHERE c.days_past_due BETWEEN $6 AND $9 AND c.due_date IS NOT NULL AND c.paid_this_cycle < c.minimum_due
            AND c.phone IS NOT NULL AND ${noPromiseHold('$2')}`,
      params: [
        now,
        this.settings.promiseGraceDays,
        this.settings.localHour,
        templateKey,
        firstStep,
        firstDay,
        everyDays,
        PURPOSE_PRIORITY.collections,
        lastDay,
        day,
      ],
    });
  }

  /** An agent call with the instalment offer for each later bucket entered, at the customer's answering hour. */
  private async queueLaterCollections(m: EntityManager, now: Date, day: string | null): Promise<number> {
    // Work orders on the agent desk (src/work-orders writes them): one per bucket and cycle, and
    // none while the customer's collection call for this cycle is still open.
    return this.workOrders.openDeskTasksSelected(
      m,
      `SELECT c.id, $7::text, ${subjectRefSql('collect', 'c.id', 'c.due_date')},
                'collections-dpd-' || (SELECT max(b) FROM unnest($8::int[]) b WHERE b <= c.days_past_due), $9::smallint,
                greatest($1::timestamptz, ${localInstant(localToday('$11'), 'coalesce(best.hour, $6)')}), $1::timestamptz
           FROM customers c
           ${bestHour('$3', '$4', '$5')}
          WHERE c.days_past_due >= $10 AND c.due_date IS NOT NULL AND c.paid_this_cycle < c.minimum_due
            AND ${noPromiseHold('$2')}`,
      [
        now,
        this.settings.promiseGraceDays,
        CALL_HOURS.first,
        CALL_HOURS.last,
        MIN_ANSWERS_FOR_PREFERENCE,
        this.settings.localHour,
        LATER_COLLECTIONS_TEMPLATE,
        LATER_BUCKETS,
        PURPOSE_PRIORITY.collections,
        Math.min(...LATER_BUCKETS),
        day,
      ],
    );
  }

  /** A card activated since its sequence was queued needs no more nudges. */
  private async cancelActivationsOfActiveCards(m: EntityManager): Promise<number> {
    return this.outbox.withdraw(
      m,
      { subjects: await this.repayment.activatedSubjects(m) },
      { status: 'cancelled', reason: { code: 'CARD_ACTIVATED' } },
    );
  }

  /** Marketing purpose: the dispatcher's policy checks consent and the marketing mute at send time. */
  private async queueActivations(m: EntityManager, now: Date, day: string | null): Promise<number> {
    let queued = 0;
    for (const step of ACTIVATION_STEPS) {
      const address = step.channel === 'email' ? 'c.email' : 'c.phone';
      queued += await this.outbox.enqueueSelected(m, {
        columns: ['customer_id', 'purpose', 'channel', 'template_key', 'variables', 'subject_ref', 'step', 'due_at', 'priority'],
        onConflict: 'flow-step',
        select: `SELECT c.id, 'marketing', $3, 'card-activation', jsonb_build_object('link', jsonb_build_object('url', $4::text)),
                  ${subjectRefSql('activate', 'c.id', 'c.card_issued_on')}, $5,
                  greatest($1::timestamptz, ${localInstant(localToday('$8'), '$2')}), $6
             FROM customers c
            WHERE c.card_status = 'not_activated' AND c.card_issued_on IS NOT NULL AND ${address} IS NOT NULL
              AND ${localToday('$8')} >= c.card_issued_on + $7::int`,
        params: [
          now,
          this.settings.localHour,
          step.channel,
          this.settings.activationUrl,
          step.step,
          PURPOSE_PRIORITY.marketing,
          step.daysAfterIssue,
          day,
        ],
      });
    }
    return queued;
  }
}
