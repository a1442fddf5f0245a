import { Injectable, Logger } from '@nestjs/common';
import { AlertEvaluator } from '../alerts/alert-evaluator.service';
import { sqlOf } from '../database/sql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { twilioErrorKind } from '../channels/channel-error.classifier';
import { Clock } from '../common/clock';
import { ConsentService } from '../compliance/consent.service';
import { contactEvent, reportedContact } from '../events/contact.events';
import { EventOutbox } from '../events/event-outbox.repository';
import { AttemptLogRepository } from '../dispatch/attempt-log.repository';
import { AttemptStatus } from '../dispatch/contact-attempt';
import { OutboxRepository } from '../dispatch/outbox.repository';
import { ProfileOutcomes } from '../dispatch/profile-outcomes';
import { CallStateNotice, notifyCallState } from './call-state';

export interface DeliveryReport {
  attemptId: string;
  providerRef: string;
  status: AttemptStatus;
  errorCode?: string;
  /** Calls: a person answered. */
  connected?: boolean;
}

/**
 * What providers report about an attempt after the send, by the book: a report applies only to
 * the attempt whose message or call it names (its SID); it is applied once however often it
 * comes (Twilio retries), and only forward along Twilio's lifecycle — a late `sent` never
 * overwrites `delivered`, and a final status is final. A task the dispatcher could not settle
 * (`sending` after a crash, or `unknown`) is settled by the report, and the outcome reaches the
 * customer's profile.
 */
@Injectable()
export class DeliveryReports {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly attempts: AttemptLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly profile: ProfileOutcomes,
    private readonly consent: ConsentService,
    private readonly events: EventOutbox,
    private readonly clock: Clock,
    private readonly alerts: AlertEvaluator,
  ) {}

  async apply(report: DeliveryReport): Promise<'applied' | 'unknown-attempt' | 'another-message'> {
    const applied = await this.db.transaction(async (manager) => {
      const attempt = await this.attempts.lockForReport(manager, report.attemptId);
      if (!attempt) return 'unknown-attempt';
      // Without a SID yet (the provider's answer was lost), the signed callback URL naming the
      // attempt is proof enough that this message is its own.
      if (attempt.provider_ref && attempt.provider_ref !== report.providerRef) return 'another-message';
      const standing = await this.attempts.record(
        [
          {
            attemptId: report.attemptId,
            attemptedAt: attempt.attempted_at,
            status: report.status,
            providerRef: report.providerRef,
            errorCode: report.errorCode,
          },
        ],
        manager,
      );
      if (report.connected) {
        await this.attempts.markConnected(manager, report.attemptId, attempt.attempted_at);
      }
      const status = standing.get(report.attemptId) ?? report.status;
      if (attempt.channel === 'call') {
        // The agent desk shows the call's state live; NOTIFY is delivered when this transaction commits, not before.
        const notice: CallStateNotice = { attemptId: report.attemptId, customerId: attempt.customer_id, status };
        await notifyCallState(manager, notice);
        // Rules counting unanswered calls, in the report's transaction: the alert and its cause commit together.
        if ((status === 'no_answer' || status === 'busy') && status !== attempt.status) {
          await this.alerts.onChange([attempt.customer_id], ['unansweredCalls'], sqlOf(manager));
        }
      }
      const told = reportedContact(attempt.status, status);
      if (told) {
        const facts = {
          customerId: attempt.customer_id,
          taskId: attempt.task_id,
          attemptId: report.attemptId,
          campaignId: attempt.campaign_id,
          purpose: attempt.purpose,
          channel: attempt.channel,
          status,
          providerRef: report.providerRef,
          errorCode: report.errorCode ?? null,
        };
        await this.events.record(manager, [contactEvent(told, facts, this.clock.now())]);
      }
      if (attempt.task_id) {
        await this.outbox.settleByReport(manager, attempt.task_id, { status, providerCode: report.errorCode });
      }
      await this.profile.outcome(
        manager,
        {
          customerId: attempt.customer_id,
          channel: attempt.channel,
          purpose: attempt.purpose,
          outcome: status,
          at: attempt.attempted_at,
        },
        Boolean(report.connected),
      );
      return attempt;
    });
    if (typeof applied === 'string') {
      this.logger.warn(
        { attemptId: report.attemptId, providerRef: report.providerRef, ignored: applied },
        applied === 'unknown-attempt'
          ? 'a report for an attempt Herald does not know'
          : "a report naming another message than the attempt's",
      );
      return applied;
    }
    // The recipient's STOP at the carrier (Twilio 21610) is their word, not a failure: as when a send is refused for it.
    if (report.errorCode && twilioErrorKind(Number(report.errorCode)) === 'opted_out') {
      await this.consent.recordProviderOptOut(applied.customer_id, applied.channel, {
        attemptId: report.attemptId,
        providerRef: report.providerRef,
        providerCode: report.errorCode,
      });
    }
    return 'applied';
  }
}
