import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConsentService } from '../compliance/consent.service';
import { AttemptLog } from '../dispatch/attempt-log.repository';
import { AttemptStatus } from '../dispatch/contact-attempt';
import { ContactChannel, ContactPurpose } from '../dispatch/contact-task.entity';
import { ProfileOutcomes } from '../dispatch/profile-outcomes';

export interface DeliveryReport {
  attemptId: string;
  providerRef: string;
  status: AttemptStatus;
  errorCode?: string;
  /** Calls: a person answered. */
  connected?: boolean;
}

/** Twilio's "recipient has opted out": their STOP at the carrier is their word, not a failure. */
const OPTED_OUT = '21610';

/**
 * What providers report about an attempt after the send: applied once however often it comes
 * (Twilio retries), and only forward (a late `sent` never overwrites `delivered`). An attempt the
 * dispatcher lost mid-send (`unknown`) is settled by its first report.
 */
@Injectable()
export class DeliveryReports {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly attempts: AttemptLog,
    private readonly profile: ProfileOutcomes,
    private readonly consent: ConsentService,
  ) {}

  async apply(report: DeliveryReport): Promise<'applied' | 'unknown-attempt'> {
    const applied = await this.db.transaction(async (manager) => {
      const [attempt]: {
        customer_id: string;
        channel: ContactChannel;
        purpose: ContactPurpose;
        attempted_at: Date;
        task_id: string | null;
      }[] = await manager.query(
        `SELECT customer_id, channel, purpose, attempted_at, task_id FROM contact_attempts WHERE id = $1 FOR UPDATE`,
        [report.attemptId],
      );
      if (!attempt) return undefined;
      await this.attempts.record(
        [{ attemptId: report.attemptId, status: report.status, providerRef: report.providerRef, errorCode: report.errorCode }],
        manager,
      );
      if (report.connected) {
        await manager.query('UPDATE contact_attempts SET connected = true WHERE id = $1', [report.attemptId]);
      }
      if (attempt.task_id) {
        await manager.query(
          `UPDATE contact_tasks SET status = 'sent', updated_at = now(),
                  reasons = reasons || '[{"code": "SETTLED_BY_PROVIDER_REPORT"}]'::jsonb
            WHERE id = $1 AND status = 'unknown'`,
          [attempt.task_id],
        );
      }
      await this.profile.outcome(
        manager,
        {
          customerId: attempt.customer_id,
          channel: attempt.channel,
          purpose: attempt.purpose,
          outcome: report.status,
          at: attempt.attempted_at,
        },
        Boolean(report.connected),
      );
      return attempt;
    });
    if (!applied) {
      this.logger.warn(
        { attemptId: report.attemptId, providerRef: report.providerRef },
        'a report for an attempt Herald does not know',
      );
      return 'unknown-attempt';
    }
    if (report.errorCode === OPTED_OUT) {
      await this.consent.recordProviderOptOut(applied.customer_id, applied.channel, {
        attemptId: report.attemptId,
        providerRef: report.providerRef,
        providerCode: OPTED_OUT,
      });
    }
    return 'applied';
  }
}
