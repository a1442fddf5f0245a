import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConsentService } from '../compliance/consent.service';
import { AppConfig } from '../config/app-config';
import { contactEvent } from '../events/contact.events';
import { DELIVERIES_OF, EVENTS_FROM } from '../events/event-outbox.repository';
import { NewEvent } from '../events/event-types';
import { attemptsSpan, recordAttemptsFrom } from './attempt-log.repository';
import { AttemptRecord } from './contact-attempt';
import { TaskReason } from './contact-task.entity';
import { Delivery } from './courier';
import { DispatchConfig } from './dispatch.config';
import { nextStepsFrom } from './follow-ups';
import { ClaimedTask, insertTasks, settleTasksFrom, TaskOutcome } from './outbox.repository';
import { contactedFrom } from './profile-outcomes';
import { nextRetryAt } from './retry.policy';
import { sql } from '../database/sql';

export interface Sent {
  task: ClaimedTask;
  attempt: AttemptRecord;
  locale: string;
  delivery: Delivery;
}

/** What a provider's create answer may already say: it took the message, and then gave up on it. */
const REFUSED_ON_CREATE = new Set(['failed', 'canceled']);

/**
 * Writes down what became of each send: the attempt's result, the task's fate (sent, retried,
 * failed, suppressed, unknown), the profile, the next step of the plan, the event subscribers are
 * told, and an opt-out the provider reported — in one statement for all the sends that finished together.
 */
@Injectable()
export class DispatchLedger {
  private readonly retry: DispatchConfig['retry'];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly consent: ConsentService,
    config: AppConfig,
  ) {
    this.retry = config.dispatch.retry;
  }

  /**
   * One statement: the attempts' results, and for each attempt written down here for the first
   * time its task's fate, the profile and the plan's next step. Idempotent: written again after a
   * commit whose answer was lost (the database went away at that instant), it changes nothing —
   * the attempt says it was settled already.
   */
  async close(sends: Sent[], now: Date): Promise<void> {
    if (sends.length === 0) return;
    const optOuts = sends.filter((s) => s.delivery.error?.kind === 'opted_out');
    if (optOuts.length === 0) return void (await this.write(this.db.manager, sends, now));
    await this.db.transaction(async (manager) => {
      const first = await this.write(manager, sends, now);
      for (const { task, attempt, delivery } of optOuts.filter((s) => first.has(s.attempt.id))) {
        await this.consent.recordProviderOptOut(
          task.customerId,
          task.channel,
          { attemptId: attempt.id, providerCode: delivery.errorCode },
          now,
          manager,
        );
      }
    });
  }

  /** Writes the sends down; returns the attempts settled by this write (not by an earlier one). */
  private async write(manager: EntityManager, sends: Sent[], now: Date): Promise<Set<string>> {
    const fates = sends.map((sent) => this.fateOf(sent, now));
    const told = sends.map((sent, i) => toldSubscribers(sent, fates[i], now));
    const rows = await sql<{ id: string }>(
      manager,
      `WITH sends AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[],
                              $8::timestamptz[], $9::jsonb[], $10::int[], $11::uuid[], $12::text[], $13::text[],
                              $14::timestamptz[], $15::text[], $16::text[], $17::jsonb[])
                AS s(attempt_id, status, provider_ref, error_code, detail, task_id, fate, due_at, reasons, try,
                     customer_id, channel, purpose, attempted_at, locale, event_type, event_data)),
       results AS (SELECT attempt_id AS id, status, provider_ref, error_code, detail, attempted_at FROM sends),
       recorded AS (${recordAttemptsFrom('results', true, { from: '$19::timestamptz', to: '$20::timestamptz' })}),
       -- Only an attempt settled here for the first time moves its task, the profile and the plan.
       firsts AS (SELECT sends.*, recorded.status AS standing FROM sends JOIN recorded ON recorded.id = sends.attempt_id
                   WHERE recorded.first),
       outcomes AS (SELECT task_id AS id, fate AS status, due_at, reasons, try AS attempt FROM firsts),
       tasks AS (${settleTasksFrom('outcomes')}),
       made AS (SELECT customer_id, channel, purpose, standing AS outcome, attempted_at AS at FROM firsts WHERE fate = 'sent'),
       profile AS (${contactedFrom('made')}),
       sent AS (SELECT task_id, locale, $18::timestamptz AS sent_at FROM firsts WHERE fate = 'sent'),
       next_steps AS (${insertTasks(nextStepsFrom('sent'))}),
       told AS (SELECT event_type AS type, customer_id, $18::timestamptz AS occurred_at, event_data AS data
                  FROM firsts WHERE event_type IS NOT NULL),
       events AS (${EVENTS_FROM('told')}),
       deliveries AS (${DELIVERIES_OF('events')})
       SELECT attempt_id AS id FROM firsts`,
      [
        sends.map((s) => s.attempt.id),
        sends.map((s) => s.delivery.status),
        sends.map((s) => s.delivery.providerRef ?? null),
        sends.map((s) => s.delivery.errorCode ?? null),
        sends.map((s) => s.delivery.detail ?? null),
        sends.map((s) => s.task.id),
        fates.map((f) => f.status),
        fates.map((f) => f.dueAt ?? null),
        fates.map((f) => (f.reasons ? JSON.stringify(f.reasons) : null)),
        sends.map((s) => s.task.attempts + 1),
        sends.map((s) => s.task.customerId),
        sends.map((s) => s.task.channel),
        sends.map((s) => s.task.purpose),
        sends.map((s) => s.attempt.attemptedAt),
        sends.map((s) => s.locale),
        told.map((event) => event?.type ?? null),
        told.map((event) => (event ? JSON.stringify(event.data) : null)),
        now,
        ...attemptsSpan(sends.map((s) => s.attempt.attemptedAt)),
      ],
    );
    return new Set(rows.map((row) => row.id));
  }

  private fateOf({ task, delivery }: Sent, now: Date): TaskOutcome {
    const error = delivery.error;
    if (!error && REFUSED_ON_CREATE.has(delivery.status)) {
      return { id: task.id, status: 'failed', reasons: [{ code: 'PROVIDER_REFUSED', providerStatus: delivery.status }] };
    }
    if (!error) return { id: task.id, status: 'sent' };
    const reason: TaskReason = {
      code: `PROVIDER_${error.kind.toUpperCase()}`,
      providerCode: error.providerCode,
      message: error.message,
    };
    if (error.ambiguous) return { id: task.id, status: 'unknown', reasons: [reason] };
    if (error.kind === 'opted_out') return { id: task.id, status: 'suppressed', reasons: [reason] };
    if (error.kind === 'permanent') return { id: task.id, status: 'failed', reasons: [reason] };
    const retryAt = nextRetryAt(task.attempts + 1, now, Math.random(), this.retry);
    return retryAt
      ? { id: task.id, status: 'pending', dueAt: retryAt, reasons: [{ ...reason, retryAt: retryAt.toISOString() }] }
      : { id: task.id, status: 'failed', reasons: [{ ...reason, code: 'RETRIES_EXHAUSTED' }] };
  }
}

/** contact.sent when the provider took it; contact.failed when it is over without going out. */
function toldSubscribers({ task, attempt, delivery }: Sent, outcome: TaskOutcome, now: Date): NewEvent | undefined {
  const type =
    outcome.status === 'sent' ? 'contact.sent' : ['failed', 'suppressed'].includes(outcome.status) ? 'contact.failed' : undefined;
  if (!type) return undefined;
  const facts = {
    customerId: task.customerId,
    taskId: task.id,
    attemptId: attempt.id,
    campaignId: attempt.campaignId,
    purpose: task.purpose,
    channel: task.channel,
    status: delivery.status,
    providerRef: delivery.providerRef ?? null,
    errorCode: delivery.errorCode ?? null,
    ...(outcome.reasons?.length ? { reason: outcome.reasons[outcome.reasons.length - 1].code } : {}),
  };
  return contactEvent(type, facts, now);
}
