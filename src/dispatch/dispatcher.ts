import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { GroupCommit } from '../database/group-commit';
import { AttemptLogRepository } from './attempt-log.repository';
import { AttemptRecord } from './contact-attempt';
import { Courier, Slot, waitUntil } from './courier';
import { DispatchConfig } from './dispatch.config';
import { DispatchLedger, Sent } from './dispatch-ledger';
import { ClaimedTask, Lane, OutboxRepository } from './outbox.repository';
import { SendPool } from './send-pool';
import { Ready, TaskPreparer } from './task-preparer';
import { UrgentGate } from './urgent-gate';

export interface BatchReport {
  claimed: number;
  /** Handed to a provider, and what it answered written down. */
  sent: number;
  /** Settled without a send: deferred, suppressed, expired, skipped, not renderable. */
  settled: number;
}

/** A batch under way: claimed and prepared; its sends go out as senders free up. */
export interface Batch {
  claimed: number;
  settled: number;
  finished: Promise<BatchReport>;
}

/**
 * A paced send's attempt is opened this long before its slot, so that writing it never makes the
 * send late (and the sender's pace with it).
 */
const OPEN_LEAD_MS = 100;

/** A lane's shared statements: attempts opened, and sends written down. */
interface LaneCommits {
  opens: GroupCommit<AttemptRecord, boolean>;
  closes: GroupCommit<Sent, undefined>;
}

const NOTHING_CLAIMED: Batch = { claimed: 0, settled: 0, finished: Promise.resolve({ claimed: 0, sent: 0, settled: 0 }) };

/** The longest pause between tries to write down a send's outcome while the database is away. */
const MAX_RECORD_PAUSE_MS = 1_000;

/**
 * The outbox's worker: claims due tasks in batches (for the database's sake), re-checks and
 * renders them, then sends each one on its own — its attempt opened immediately before its own
 * provider call, its outcome written as soon as it is known, a slow send holding nobody else.
 * Whatever fails after a claim, what was not sent goes back to the queue.
 */
@Injectable()
export class Dispatcher {
  /** Names this instance's claims, so its leases can be told from another's. */
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger('Dispatch');
  private readonly settings: DispatchConfig;
  private readonly pool: SendPool;
  /** Tasks this instance holds: claimed and not yet settled. Only their leases are renewed. */
  private readonly held = new Set<string>();
  /** Per lane, sends prepared and not yet started: the next claim waits until they run low. */
  private readonly queued = { urgent: 0, bulk: 0 };
  private readonly roomWaiters: (() => void)[] = [];
  /** Batches whose sends are not all done: what stopping waits for. */
  private readonly underway = new Set<Promise<BatchReport>>();
  /** Per lane: an urgent send never waits for, or rides in, a bulk burst's statement. */
  private readonly commits: Record<Lane['name'], LaneCommits>;
  private stopping = false;
  private stopped!: () => void;
  private readonly stop$ = new Promise<void>((resolve) => (this.stopped = resolve));

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly preparer: TaskPreparer,
    private readonly attempts: AttemptLogRepository,
    private readonly courier: Courier,
    private readonly ledger: DispatchLedger,
    private readonly clock: Clock,
    private readonly urgent: UrgentGate,
    config: AppConfig,
  ) {
    this.settings = config.dispatch;
    this.pool = new SendPool(this.settings.concurrency);
    this.commits = { urgent: this.groupCommits(), bulk: this.groupCommits() };
  }

  /** The tasks in this instance's hands, whose leases it keeps alive. */
  get inHand(): string[] {
    return [...this.held];
  }

  /** One batch of the lane, to the end of its last send. */
  async runBatch(lane: Lane): Promise<BatchReport> {
    return (await this.start(lane)).finished;
  }

  /**
   * Claims and prepares a batch, and hands its sends to the instance's senders. An urgent batch
   * holds the bulk lane's new sends and renders until its own sends are done.
   */
  async start(lane: Lane): Promise<Batch> {
    return this.begin(lane, false);
  }

  /**
   * Claims the lane's due retries at once, whatever waits to be sent: they go to the senders
   * ahead of that work, so a retry fires at its backoff time, not after the backlog claimed
   * before it. Nothing is claimed while twice the senders' width already waits.
   */
  async retry(lane: Lane): Promise<Batch> {
    if (this.queued[lane.name] >= 2 * this.settings.concurrency) return NOTHING_CLAIMED;
    return this.begin(lane, true);
  }

  private async begin(lane: Lane, retriesOnly: boolean): Promise<Batch> {
    const now = this.clock.now();
    const urgent = lane.name === 'urgent';
    const giveWay = urgent ? undefined : () => this.urgent.clear();
    // From the claim on, not from its answer: a fraud alert's claim does not queue behind bulk work either.
    if (urgent) this.urgent.enter();
    let tasks: ClaimedTask[] = [];
    try {
      // Claims come at least every poll: a retry due before the next one is claimed now and held.
      tasks = await this.outbox.claim(this.worker, lane, this.settings.batchSize, now, this.settings.leaseSeconds, {
        retriesOnly,
        retryLeadMs: this.settings.pollMs,
      });
      if (tasks.length === 0) {
        if (urgent) this.urgent.leave();
        return NOTHING_CLAIMED;
      }
      tasks.forEach((task) => this.held.add(task.id));
      const { ready, settled } = await this.preparer.prepare(tasks, now, giveWay);
      await this.outbox.settle(settled);
      settled.forEach((outcome) => this.held.delete(outcome.id));
      const slots = await this.courier.schedule(ready.map((r) => r.parcel));
      // Due times are business time (the injected clock); the wait is real time.
      const dueIn = (task: Ready['task']) => Date.now() + task.dueAt.getTime() - now.getTime();
      const sends = ready.map((r, i) => this.sendInTurn(lane, r, slots[i], dueIn(r.task), giveWay));
      const finished = Promise.all(sends).then((sent) => ({
        claimed: tasks.length,
        settled: settled.length,
        sent: sent.filter(Boolean).length,
      }));
      this.underway.add(finished);
      void finished.finally(() => {
        this.underway.delete(finished);
        if (urgent) this.urgent.leave();
      });
      return { claimed: tasks.length, settled: settled.length, finished };
    } catch (error) {
      if (urgent) this.urgent.leave();
      await this.handBack(tasks.map((task) => task.id).filter((id) => this.held.has(id)));
      throw error;
    }
  }

  /**
   * Resolves once fewer of the lane's sends wait to start than the senders can take at once:
   * time to claim more. Claiming further ahead would only queue due retries behind more work.
   */
  room(lane: Lane): Promise<void> {
    if (this.queued[lane.name] < this.settings.concurrency || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve)).then(() => this.room(lane));
  }

  /** Starts no new send: what waits goes back to the queue; what is in flight finishes and is written down. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped();
    this.roomWaiters.splice(0).forEach((wake) => wake());
    await Promise.all(this.underway);
  }

  /** Waits for the send's due time, its slot and a free sender, then sends; true if it reached a provider. */
  private async sendInTurn(lane: Lane, ready: Ready, slot: Slot, dueAt: number, giveWay?: () => Promise<void>): Promise<boolean> {
    this.queued[lane.name]++;
    let waiting = true;
    const started = () => {
      if (!waiting) return;
      waiting = false;
      this.queued[lane.name]--;
      this.roomWaiters.splice(0).forEach((wake) => wake());
    };
    try {
      await Promise.race([waitUntil(Math.max(slot.at - OPEN_LEAD_MS, dueAt)), this.stop$]);
      // Urgent work, and a retry that has already waited out its backoff, go before work waiting.
      return await this.pool.run(
        () => {
          started();
          return this.send(this.commits[lane.name], ready, slot, giveWay);
        },
        lane.name === 'urgent' ? 'urgent' : ready.task.attempts > 0 ? 'retry' : 'fresh',
      );
    } catch (error) {
      this.logger.error({ err: error, taskId: ready.task.id }, 'a send failed unexpectedly');
      return false;
    } finally {
      started();
    }
  }

  private async send(
    commits: LaneCommits,
    { task, attempt, parcel, locale }: Ready,
    slot: Slot,
    giveWay?: () => Promise<void>,
  ): Promise<boolean> {
    await giveWay?.();
    if (this.stopping) {
      await this.handBack([task.id]);
      return false;
    }
    const opening = { ...attempt, attemptedAt: this.clock.now() };
    let opened: boolean;
    try {
      opened = await commits.opens.submit(opening);
    } catch (error) {
      this.logger.warn({ err: error, taskId: task.id }, 'could not open the attempt; the task goes back to the queue');
      await this.handBack([task.id]);
      return false;
    }
    if (!opened) {
      // Cancelled or reaped since the claim: no longer ours to send.
      this.held.delete(task.id);
      return false;
    }
    const delivery = await this.courier.deliver(parcel, slot, this.settings.sendTimeoutMs);
    await this.record(commits, { task, attempt: opening, locale, delivery });
    return true;
  }

  /**
   * Writes down what the provider answered, trying again while the database is away: the
   * answer is the best evidence there is. Given up only when the instance stops; the task is
   * then reaped as `unknown` and reconciled with the provider's records.
   */
  private async record(commits: LaneCommits, sent: Sent): Promise<void> {
    for (let pause = 100; ; pause = Math.min(pause * 2, MAX_RECORD_PAUSE_MS)) {
      try {
        await commits.closes.submit(sent);
        break;
      } catch (error) {
        if (this.stopping) {
          this.logger.error({ err: error, taskId: sent.task.id }, 'stopping with a send not written down; it will be reconciled');
          break;
        }
        this.logger.warn({ err: error, taskId: sent.task.id }, 'could not write down a send; trying again');
        await sleep(pause);
      }
    }
    this.held.delete(sent.task.id);
  }

  /** Claimed tasks that will not be sent now go back to the queue, or, if that fails too, wait out their lease. */
  private async handBack(taskIds: string[]): Promise<void> {
    if (taskIds.length === 0) return;
    try {
      await this.outbox.release(this.worker, taskIds);
    } catch (error) {
      this.logger.warn({ err: error, tasks: taskIds.length }, 'could not hand tasks back; they return when their lease ends');
    } finally {
      taskIds.forEach((id) => this.held.delete(id));
    }
  }

  /**
   * Sends that start together share one statement to open their attempts, and sends that end
   * together one transaction to record them: a round trip per burst, not per message.
   */
  private groupCommits(): LaneCommits {
    return {
      opens: new GroupCommit(
        async (attempts) => {
          const leaseUntil = new Date(this.clock.now().getTime() + this.settings.leaseSeconds * 1000);
          const opened = await this.attempts.open(this.worker, attempts, leaseUntil);
          return attempts.map((a) => opened.has(a.id));
        },
        { maxBatch: 1000, concurrent: 2 },
      ),
      closes: new GroupCommit(
        async (sent) => {
          await this.ledger.close(sent, this.clock.now());
          return sent.map(() => undefined);
        },
        { maxBatch: 1000, concurrent: 2 },
      ),
    };
  }
}
