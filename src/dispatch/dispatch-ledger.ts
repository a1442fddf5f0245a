import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FollowUps } from './follow-ups';
import { ConsentService } from '../compliance/consent.service';
import { contactEvent } from '../events/contact.events';
import { EventOutbox } from '../events/event-outbox.repository';
import { AppConfig } from '../config/app-config';
import { AttemptLog } from './attempt-log.repository';
import { AttemptRecord } from './contact-attempt';
import { TaskReason } from './contact-task.entity';
import { Delivery } from './courier';
import { DispatchConfig } from './dispatch.config';
import { ClaimedTask, OutboxRepository, TaskOutcome } from './outbox.repository';
import { ProfileOutcomes } from './profile-outcomes';
import { nextRetryAt } from './retry.policy';

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
 * failed, suppressed, unknown), the profile, the next step of the plan, and an opt-out the
 * provider reported — in one transaction for all the sends that finished together.
 */
@Injectable()
export class DispatchLedger {
  private readonly retry: DispatchConfig['retry'];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly attempts: AttemptLog,
    private readonly outbox: OutboxRepository,
    private readonly profile: ProfileOutcomes,
    private readonly followUps: FollowUps,
    private readonly consent: ConsentService,
    private readonly events: EventOutbox,
    config: AppConfig,
  ) {
    this.retry = config.dispatch.retry;
  }

  /**
   * Idempotent: written again after a commit whose answer was lost (the database went away at that
   * instant), it changes nothing — the attempt says it was settled already.
   */
  async close(sends: Sent[], now: Date): Promise<void> {
    if (sends.length === 0) return;
    await this.db.transaction(async (manager) => {
      const { standing, first } = await this.attempts.settle(
        sends.map((s) => s.delivery),
        manager,
      );
      const batch = sends.filter((s) => first.has(s.attempt.id));
      const outcomes = batch.map((sent) => this.fate(sent, now));
      const accepted = batch.filter((_, i) => outcomes[i].status === 'sent');
      await this.outbox.settle(outcomes, manager);
      await this.events.record(
        manager,
        batch.flatMap((sent, i) => toldSubscribers(sent, outcomes[i], now)),
      );
      await this.profile.contacted(
        manager,
        accepted.map(({ task, attempt, delivery }) => ({
          customerId: task.customerId,
          channel: task.channel,
          purpose: task.purpose,
          outcome: standing.get(attempt.id) ?? delivery.status,
          at: attempt.attemptedAt,
        })),
      );
      await this.followUps.queueNext(manager, accepted, now);
      for (const { task, attempt, delivery } of batch.filter((s) => s.delivery.error?.kind === 'opted_out')) {
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

  private fate(sent: Sent, now: Date): TaskOutcome {
    return { ...this.fateOf(sent, now), attempt: sent.task.attempts + 1 };
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
function toldSubscribers({ task, attempt, delivery }: Sent, outcome: TaskOutcome, now: Date) {
  const type =
    outcome.status === 'sent' ? 'contact.sent' : ['failed', 'suppressed'].includes(outcome.status) ? 'contact.failed' : undefined;
  if (!type) return [];
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
  return [contactEvent(type, facts, now)];
}
