import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { attemptIdAt } from './attempt-id';
import { FollowUps } from './follow-ups';
import { EligibilityService } from '../compliance/eligibility.service';
import { AppConfig } from '../config/app-config';
import { Customer } from '../customers/customer.entity';
import { AttemptRecord } from './contact-attempt';
import { TaskReason } from './contact-task.entity';
import { Parcel, providerOf } from './courier';
import { MessageComposer } from './message-composer';
import { ClaimedTask, TaskOutcome } from './outbox.repository';
import { sql } from '../database/sql';

const YIELD_EVERY = 50;

export interface Ready {
  task: ClaimedTask;
  attempt: AttemptRecord;
  locale: string;
  parcel: Parcel;
}

/**
 * Decides, for a batch of claimed tasks, which go now: a follow-up whose condition no longer
 * holds is skipped; the contact policy is asked again at send time (an opt-out an hour ago wins,
 * quiet hours defer to the next allowed instant); what may go is rendered and addressed.
 */
@Injectable()
export class TaskPreparer {
  private readonly logger = new Logger('Dispatch');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly followUps: FollowUps,
    private readonly eligibility: EligibilityService,
    private readonly composer: MessageComposer,
    private readonly config: AppConfig,
  ) {}

  async prepare(
    tasks: ClaimedTask[],
    now: Date,
    giveWay?: () => Promise<void>,
  ): Promise<{ ready: Ready[]; settled: TaskOutcome[] }> {
    const settled: TaskOutcome[] = [];
    const unmet = await this.followUps.unmet(this.db.manager, tasks);
    const live = tasks.filter((task) => {
      if (unmet.has(task.id)) settled.push({ id: task.id, status: 'skipped', reasons: [{ code: 'STEP_CONDITION_NOT_MET' }] });
      else if (task.expiresAt && task.expiresAt <= now)
        settled.push({ id: task.id, status: 'expired', reasons: [{ code: 'EXPIRED' }] });
      else return true;
      return false;
    });
    if (live.length === 0) return { ready: [], settled };

    const decisions = await this.eligibility.decide(
      live.map((task) => ({
        customerId: task.customerId,
        purpose: task.purpose,
        channel: task.channel,
        context: {
          fraudEventRef: task.purpose === 'fraud' ? (task.subjectRef ?? undefined) : undefined,
          campaignEndsAt: task.expiresAt ?? undefined,
        },
      })),
      now,
    );
    const allowed = live.filter((task, i) => {
      const decision = decisions[i];
      if (decision.allowed) return true;
      const reasons = decision.reasons.map(({ code, params, until }): TaskReason => ({
        code,
        ...params,
        ...(until ? { until: until.toISOString() } : {}),
      }));
      if (decision.reasons.some((r) => r.code === 'EXPIRED')) settled.push({ id: task.id, status: 'expired', reasons });
      else if (decision.final || !decision.nextAllowedAt) settled.push({ id: task.id, status: 'suppressed', reasons });
      else settled.push({ id: task.id, status: 'pending', dueAt: decision.nextAllowedAt, reasons });
      return false;
    });

    const campaignRates = await this.campaignRates(allowed);
    const customers = new Map(
      (await this.db.getRepository(Customer).findBy({ id: In(allowed.map((t) => t.customerId)) })).map((c) => [c.id, c]),
    );
    const ready: Ready[] = [];
    for (const [i, task] of allowed.entries()) {
      // Rendering a thousand messages is CPU work: let I/O in between, so a fraud alert's wake-up
      // or a webhook is not kept waiting behind a bulk batch.
      if (i % YIELD_EVERY === YIELD_EVERY - 1) {
        await new Promise((resolve) => setImmediate(resolve));
        await giveWay?.();
      }
      const customer = customers.get(task.customerId)!;
      const attemptId = attemptIdAt(now);
      try {
        const { outgoing, version } = await this.composer.compose(task, customer, attemptId);
        const rate = task.campaignId ? campaignRates.get(task.campaignId) : undefined;
        ready.push({
          task,
          locale: customer.locale,
          attempt: {
            id: attemptId,
            customerId: task.customerId,
            taskId: task.id,
            campaignId: task.campaignId,
            subjectRef: task.subjectRef,
            purpose: task.purpose,
            channel: task.channel,
            provider: providerOf(outgoing.channel, this.config.channels),
            templateKey: task.templateKey,
            templateVersion: version,
            recipient: outgoing.to,
            contentHash: outgoing.channel === 'sms' ? contentHash(outgoing.body) : null,
            attemptedAt: now,
          },
          parcel: {
            attemptId,
            outgoing,
            campaign: rate ? { id: task.campaignId!, perSecond: rate } : undefined,
            urgent: task.purpose === 'fraud',
          },
        });
      } catch (error) {
        // A template that cannot render for this customer will not render on retry either.
        this.logger.warn({ err: error, taskId: task.id }, 'could not render the task');
        settled.push({ id: task.id, status: 'failed', reasons: [{ code: 'RENDER_FAILED', message: (error as Error).message }] });
      }
    }
    return { ready, settled };
  }

  /** Campaigns that cap their own pace, on top of the channels'. */
  private async campaignRates(tasks: ClaimedTask[]): Promise<Map<string, number>> {
    const ids = [...new Set(tasks.map((t) => t.campaignId).filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const rows = await sql<{ id: string; rate: string }>(
      this.db,
      `SELECT id, send_rate_per_second AS rate FROM campaigns WHERE id = ANY($1) AND send_rate_per_second IS NOT NULL`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, Number(row.rate)]));
  }
}

/** How an SMS is recognised in the provider's records without keeping its text twice. */
export function contentHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}
