import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { FollowUps } from './follow-ups';
import { ProviderRecord, SmsChannel } from '../channels/sms.channel';
import { VoiceChannel } from '../channels/voice.channel';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { AttemptLogRepository, AttemptResult, UnknownAttempt } from './attempt-log.repository';
import { AttemptStatus } from './contact-attempt';
import { DispatchConfig } from './dispatch.config';
import { OutboxRepository, TaskOutcome } from './outbox.repository';
import { ProfileOutcomes } from './profile-outcomes';
import { contentHash } from './task-preparer';
import { withSessionLock } from '../database/job-lock';

/** Unknown attempts looked up per round, and lookups at once. */
const ROUND = 200;
const LOOKUPS_AT_ONCE = 8;
/** The provider's clock and ours may disagree by this much. */
const CLOCK_SKEW_MS = 60_000;
/** How far from a provider record's creation the attempt owning it may have been opened. */
const OWNER_MARGIN_MS = 86_400_000;
/** One reconciler at a time across instances: two would both find the same message "absent" or both claim it. */
const RECONCILER_LOCK = 0x4865_7261_6c64_01n; // "Herald" 01

export interface ReconcileReport {
  found: number;
  absent: number;
  unconfirmed: number;
}

/** What the provider's records say of one unknown attempt: messages it may be, or none can be known. */
type Verdict =
  { attempt: UnknownAttempt; candidates: ProviderRecord<AttemptStatus>[] } | { attempt: UnknownAttempt; unknowable: true };

/**
 * At most once *and* nothing lost. A send whose outcome Herald does not know (a crash mid-send, a
 * timeout, a reset, a 5xx, an unreadable answer) is settled by asking the provider, once its
 * records have had time to show it: found → sent, with its SID and status; proven absent → the
 * task is queued again and goes through the policy like any send. SMTP cannot be asked: an
 * unknown e-mail counts as sent and is never sent twice (docs/dispatch.md).
 */
@Injectable()
export class Reconciler {
  private readonly logger = new Logger('Dispatch');
  private readonly settings: DispatchConfig;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly attempts: AttemptLogRepository,
    private readonly outbox: OutboxRepository,
    private readonly profile: ProfileOutcomes,
    private readonly followUps: FollowUps,
    private readonly sms: SmsChannel,
    private readonly voice: VoiceChannel,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.settings = config.dispatch;
  }

  /**
   * One round: the provider is asked outside any transaction — a lookup takes a network round trip,
   * and a transaction held open across them would hold back vacuum on the busiest tables — and
   * what it said is written in one short one. The lock is the session's, so it goes with a
   * connection or a process that dies.
   */
  async reconcile(): Promise<ReconcileReport> {
    const now = this.clock.now();
    const report = await withSessionLock(this.db, RECONCILER_LOCK, async (session) => {
      const unknowns = await this.attempts.unknownBefore(
        session.manager,
        new Date(now.getTime() - this.settings.reconcileAfterMs),
        ROUND,
      );
      const verdicts = (await inTurns(unknowns, LOOKUPS_AT_ONCE, (attempt) => this.lookUp(attempt))).filter(
        (verdict): verdict is Verdict => verdict !== undefined,
      );
      return session.manager.transaction((manager) => this.settle(manager, verdicts, now));
    });
    return report ?? { found: 0, absent: 0, unconfirmed: 0 };
  }

  private async lookUp(attempt: UnknownAttempt): Promise<Verdict | undefined> {
    // SMTP keeps no list; an attempt logged before recipients were kept cannot be matched.
    if (attempt.channel === 'email' || !attempt.recipient) return { attempt, unknowable: true };
    const query = {
      attemptId: attempt.id,
      to: attempt.recipient,
      since: new Date(attempt.attemptedAt.getTime() - CLOCK_SKEW_MS),
    };
    try {
      const records: ProviderRecord<AttemptStatus>[] =
        attempt.channel === 'sms' ? await this.sms.findSent(query) : await this.voice.findPlaced(query);
      const candidates = records
        .filter((r) => r.body === undefined || attempt.contentHash === null || contentHash(r.body) === attempt.contentHash)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      return { attempt, candidates };
    } catch (error) {
      this.logger.warn({ err: error, attemptId: attempt.id }, 'could not ask the provider; trying again next round');
      return undefined;
    }
  }

  /** Each unknown attempt gets the earliest matching record no other attempt owns, or none: then it is absent. */
  private async settle(manager: EntityManager, verdicts: Verdict[], now: Date): Promise<ReconcileReport> {
    const records = verdicts.flatMap((v) => ('candidates' in v ? v.candidates : []));
    // The attempt owning a record was opened just before the provider made it: within a day is ample.
    const made = records.map((r) => r.createdAt.getTime());
    const taken = await this.attempts.knownRefs(
      manager,
      ['twilio', 'sandbox'],
      records.map((r) => r.providerRef),
      new Date(Math.min(...made) - OWNER_MARGIN_MS),
      new Date(Math.max(...made) + OWNER_MARGIN_MS),
    );
    const results: AttemptResult[] = [];
    const tasks: TaskOutcome[] = [];
    const contacted: { attempt: UnknownAttempt; status: AttemptStatus }[] = [];
    const report: ReconcileReport = { found: 0, absent: 0, unconfirmed: 0 };
    for (const verdict of verdicts) {
      const { attempt } = verdict;
      if ('unknowable' in verdict) {
        report.unconfirmed++;
        results.push({
          attemptId: attempt.id,
          attemptedAt: attempt.attemptedAt,
          status: 'sent',
          detail: 'the provider cannot be asked: counted as sent',
        });
        if (attempt.taskId) tasks.push({ id: attempt.taskId, status: 'sent', reasons: [{ code: 'UNCONFIRMED' }] });
        contacted.push({ attempt, status: 'sent' });
        continue;
      }
      const match = verdict.candidates.find((c) => !taken.has(c.providerRef));
      if (match) {
        taken.add(match.providerRef);
        report.found++;
        const status = match.status === 'pending' ? 'queued' : match.status;
        results.push({
          attemptId: attempt.id,
          attemptedAt: attempt.attemptedAt,
          status,
          providerRef: match.providerRef,
          detail: "found in the provider's records",
        });
        if (attempt.taskId) {
          tasks.push({
            id: attempt.taskId,
            status: 'sent',
            reasons: [{ code: 'RECONCILED_FOUND', providerRef: match.providerRef }],
          });
        }
        contacted.push({ attempt, status });
        continue;
      }
      report.absent++;
      results.push({
        attemptId: attempt.id,
        attemptedAt: attempt.attemptedAt,
        status: 'failed',
        errorCode: 'NOT_AT_PROVIDER',
        detail: "not in the provider's records",
      });
      if (attempt.taskId) {
        const exhausted = (attempt.taskAttempts ?? 0) >= this.settings.retry.maxAttempts;
        tasks.push(
          exhausted
            ? {
                id: attempt.taskId,
                status: 'failed',
                reasons: [{ code: 'RECONCILED_NOT_AT_PROVIDER' }, { code: 'RETRIES_EXHAUSTED' }],
              }
            : { id: attempt.taskId, status: 'pending', dueAt: now, reasons: [{ code: 'RECONCILED_NOT_AT_PROVIDER' }] },
        );
      }
    }
    // Settled here: an outcome its sender writes late (it lost the database meanwhile) moves nothing.
    await this.attempts.settle(results, manager);
    const resolved = await this.outbox.resolveUnknown(manager, tasks);
    await this.profile.contacted(
      manager,
      contacted.map(({ attempt, status }) => ({
        customerId: attempt.customerId,
        channel: attempt.channel,
        purpose: attempt.purpose,
        outcome: status,
        at: attempt.attemptedAt,
      })),
    );
    await this.followUps.queueNext(
      manager,
      resolved.filter((r) => r.status === 'sent'),
      now,
    );
    if (verdicts.length) this.logger.log(report, 'reconciled unknown sends with the providers');
    return report;
  }
}

/** `work` over `items`, at most `width` at a time, results in order. */
async function inTurns<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
