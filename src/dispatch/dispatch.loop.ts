import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { DispatchConfig } from './dispatch.config';
import { Dispatcher } from './dispatcher';
import { LocalWake } from './local-wake';
import { Lane, LANES, OutboxRepository } from './outbox.repository';
import { Presence } from './presence';
import { Reconciler } from './reconciler';

/**
 * Drains the outbox for as long as the application runs: one loop per lane (both, or the one
 * DISPATCH_LANES names) claiming the next batch as soon as the last is nearly sent, polling when
 * idle and woken at once for urgent work (NOTIFY; this process's own, on commit: LocalWake); due
 * retries claimed every poll, ahead of what waits. Beside it: the leases of the work in hand
 * renewed, the claims of dispatchers that vanished (their lease ran out, or their presence lock
 * went with their process) reaped, and unknown sends reconciled with the providers. On shutdown,
 * sends in flight finish and are written down; the rest go back to the queue.
 */
@Injectable()
export class DispatchLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dispatch');
  private readonly settings: DispatchConfig;
  private running = false;
  private loops: Promise<void>[] = [];
  private timers: NodeJS.Timeout[] = [];
  private listener: Client | undefined;
  private presence: Presence | undefined;
  private reconciling: Promise<unknown> | undefined;
  private readonly retrying = new Map<Lane['name'], Promise<unknown>>();
  /** When each lane's own loop last claimed (epoch ms): its claims take due retries first. */
  private readonly claimedAt = new Map<Lane['name'], number>();
  private readonly wakers = new Map<Lane['name'], () => void>();
  /** A wake that came while the lane was busy: its claim may have missed the task, so it must not sleep. */
  private readonly missedWakes = new Set<Lane['name']>();

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly outbox: OutboxRepository,
    private readonly reconciler: Reconciler,
    private readonly localWake: LocalWake,
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.settings = config.dispatch;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.enabled) return;
    const lanes = LANES.filter((lane) => this.settings.lanes === 'all' || lane.name === this.settings.lanes);
    this.running = true;
    // Present before the first claim: what this instance claims is reaped the moment it dies.
    this.presence = new Presence(this.url, this.dispatcher.worker);
    await this.presence.hold();
    if (lanes.some((lane) => lane.name === 'urgent')) {
      this.localWake.listen(() => this.wake('urgent'));
      await this.listen();
    }
    const leaseMs = this.settings.leaseSeconds * 1000;
    const reconcileMs = Math.min(30_000, Math.max(500, this.settings.reconcileAfterMs / 4));
    this.timers.push(
      setInterval(() => this.renew(leaseMs), leaseMs / 3),
      setInterval(() => this.reap(), leaseMs / 2),
      setInterval(() => this.reconcile(), reconcileMs),
      ...lanes.map((lane) => setInterval(() => this.retry(lane), this.settings.pollMs)),
    );
    // A predecessor killed a moment ago (a restart after a crash) left claims: take them back now.
    this.reap();
    this.loops = lanes.map((lane) => this.drain(lane));
    this.logger.log(`dispatcher ${this.dispatcher.worker} started (lanes: ${lanes.map((lane) => lane.name).join(', ')})`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.timers.forEach(clearInterval);
    this.wakers.forEach((wake) => wake());
    await Promise.all([...this.loops, ...this.retrying.values()]);
    await this.dispatcher.stop();
    await this.reconciling;
    await this.listener?.end().catch(() => undefined);
    await this.presence?.release();
  }

  private async drain(lane: Lane): Promise<void> {
    while (this.running) {
      try {
        this.claimedAt.set(lane.name, Date.now());
        const batch = await this.dispatcher.start(lane);
        if (batch.claimed > 0) {
          void batch.finished.then((report) => this.logger.debug({ lane: lane.name, ...report }, 'batch done'));
          await this.dispatcher.room(lane);
          continue;
        }
      } catch (error) {
        this.logger.error(
          { err: error, lane: lane.name },
          'dispatch batch failed, its tasks handed back; retrying after a pause',
        );
      }
      await this.idle(lane);
    }
  }

  private idle(lane: Lane): Promise<void> {
    if (this.missedWakes.delete(lane.name)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(wake, this.settings.pollMs);
      const wakers = this.wakers;
      function wake() {
        clearTimeout(timer);
        wakers.delete(lane.name);
        resolve();
      }
      this.wakers.set(lane.name, wake);
    });
  }

  /** New work for the lane: an idle loop claims at once, a busy one claims again before it sleeps. */
  private wake(lane: Lane['name']): void {
    const wake = this.wakers.get(lane);
    if (wake) wake();
    else this.missedWakes.add(lane);
  }

  private async listen(): Promise<void> {
    this.listener = new Client({ connectionString: this.url });
    this.listener.on('notification', () => this.wake('urgent'));
    this.listener.on('error', (error) => this.logger.warn({ err: error }, 'LISTEN connection lost; urgent work waits for polls'));
    await this.listener.connect();
    await this.listener.query('LISTEN herald_urgent');
  }

  private get url(): string | undefined {
    return (this.db.options as PostgresConnectionOptions).url;
  }

  /**
   * Due retries, claimed every poll while the lane's loop waits (for room, or idle): see
   * `Dispatcher.retry`. While that loop claims at least as often, its batches carry the retries
   * ahead of fresh work; a claim of their own would be a batch of a few, each paying a whole
   * batch's policy re-check.
   */
  private retry(lane: Lane): void {
    if (!this.running || this.retrying.has(lane.name)) return;
    if (Date.now() - (this.claimedAt.get(lane.name) ?? 0) < this.settings.pollMs) return;
    const claiming = this.dispatcher
      .retry(lane)
      // The lane's own loop reports a database that fails its claims.
      .catch((error) => this.logger.debug({ err: error, lane: lane.name }, 'could not claim due retries'))
      .finally(() => this.retrying.delete(lane.name));
    this.retrying.set(lane.name, claiming);
  }

  /** Every lease/3: a lease with more than 2/3 left still has 1/3 at the next renewal. */
  private renew(leaseMs: number): void {
    const now = this.clock.now().getTime();
    this.outbox
      .renewLeases(this.dispatcher.worker, this.dispatcher.inHand, new Date(now + leaseMs), new Date(now + (leaseMs * 2) / 3))
      .catch((error) => this.logger.warn({ err: error }, 'could not renew leases'));
  }

  private reap(): void {
    this.outbox.reapExpiredLeases(this.clock.now(), this.dispatcher.inHand).then(
      ({ requeued, unknown }) => {
        if (requeued || unknown) this.logger.warn({ requeued, unknown }, 'reaped the leases of a vanished dispatcher');
      },
      (error) => this.logger.warn({ err: error }, 'could not reap leases'),
    );
  }

  private reconcile(): void {
    if (this.reconciling) return;
    this.reconciling = this.reconciler
      .reconcile()
      .catch((error) => this.logger.warn({ err: error }, 'could not reconcile unknown sends'))
      .finally(() => (this.reconciling = undefined));
  }
}
