import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { randomUUID } from 'node:crypto';
import { EmailChannel } from '../channels/email.channel';
import { SmsChannel } from '../channels/sms.channel';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { DueNotification, StaffNotificationsRepository } from './staff-notifications.repository';
import { nextStaffInstant } from './work-order.rules';

/** Sends taken per sweep; the rest wait for the next minute. */
const SEND_BATCH = 200;

const STAGE_WORDS: Record<DueNotification['stage'], string> = {
  opened: 'new work order',
  near_breach: 'work order near its SLA',
  breached: 'work order past its SLA (escalated to you)',
};

export interface SweepReport {
  opened: number;
  nearBreach: number;
  escalated: number;
  sent: number;
  failed: number;
  /** Staff quiet hours: e-mails and SMS wait (console notifications were written all the same). */
  quiet: boolean;
}

/**
 * Tells staff about work orders: when one opens, when its SLA is near, and (its supervisor)
 * when it is breached. Runs every minute; safe on many instances (see the repository).
 */
@Injectable()
export class StaffNotifier {
  private readonly logger = new Logger('StaffNotifier');

  constructor(
    private readonly notifications: StaffNotificationsRepository,
    private readonly email: EmailChannel,
    private readonly sms: SmsChannel,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Interval(60_000)
  async scheduled(): Promise<void> {
    if (!this.config.workOrders.sweepEnabled) return;
    try {
      const report = await this.sweep();
      if (report.opened + report.nearBreach + report.escalated + report.sent + report.failed) {
        this.logger.log(report, 'work order sweep');
      }
    } catch (error) {
      this.logger.error({ message: (error as Error).message }, 'work order sweep failed');
    }
  }

  async sweep(): Promise<SweepReport> {
    const now = this.clock.now();
    const { nearBreachShare, staffQuietHours } = this.config.workOrders;
    const queued = await this.notifications.queue(now, nearBreachShare);
    const quiet = nextStaffInstant(now, staffQuietHours).getTime() > now.getTime();
    let sent = 0;
    let failed = 0;
    if (!quiet) {
      for (const notification of await this.notifications.take(now, SEND_BATCH)) {
        const error = await this.send(notification);
        await this.notifications.settle(notification, { error }, this.clock.now());
        if (error) failed++;
        else sent++;
      }
    }
    return { ...queued, sent, failed, quiet };
  }

  /** Undefined when sent, else why not. */
  private async send(n: DueNotification): Promise<string | undefined> {
    const link = `${this.config.publicBaseUrl}/work-orders/${n.workOrderId}`;
    const line = `Herald: ${STAGE_WORDS[n.stage]} [${n.severity}, ${n.queue}] ${n.summary}; due by ${n.dueBy.toISOString()}`;
    try {
      if (n.channel === 'email') {
        if (!n.email) return 'no e-mail address on the staff setting';
        await this.email.send({
          attemptId: randomUUID(),
          to: n.email,
          subject: `[${n.severity}] ${STAGE_WORDS[n.stage]}: ${n.summary}`,
          text: `${line}\n${link}\n`,
          html: `<p>${escapeHtml(line)}</p><p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
          headers: {},
        });
      } else {
        if (!n.phone) return 'no phone number on the staff setting';
        // Staff SMS carry no customer data: the order's summary is the rule's name.
        await this.sms.send({ attemptId: n.id, to: n.phone, body: line.slice(0, 300) });
      }
      return undefined;
    } catch (error) {
      return (error as Error).message.slice(0, 500);
    }
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
