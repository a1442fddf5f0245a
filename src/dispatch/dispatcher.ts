import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { AttemptLog } from './attempt-log.repository';
import { Courier } from './courier';
import { DispatchConfig } from './dispatch.config';
import { DispatchLedger } from './dispatch-ledger';
import { Lane, OutboxRepository } from './outbox.repository';
import { TaskPreparer } from './task-preparer';
import { UrgentGate } from './urgent-gate';

export interface BatchReport {
  claimed: number;
  sent: number;
  settled: number;
  /** Where the batch's time went, for the debug log: claim, prepare, open, send, close. */
  ms?: Record<'claim' | 'prepare' | 'open' | 'send' | 'close', number>;
}

/**
 * One round of the outbox: claim due tasks, re-check and render them, write their attempts,
 * send at the providers' pace, and write down what happened.
 */
@Injectable()
export class Dispatcher {
  /** Names this instance's claims, so its leases can be told from another's. */
  readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly settings: DispatchConfig;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly preparer: TaskPreparer,
    private readonly attempts: AttemptLog,
    private readonly courier: Courier,
    private readonly ledger: DispatchLedger,
    private readonly clock: Clock,
    private readonly urgent: UrgentGate,
    config: AppConfig,
  ) {
    this.settings = config.dispatch;
  }

  /** One batch of the lane; an urgent batch holds the bulk lane's new sends and renders until it ends. */
  async runBatch(lane: Lane): Promise<BatchReport> {
    if (lane.name !== 'urgent') return this.run(lane);
    this.urgent.enter();
    try {
      return await this.run(lane);
    } finally {
      this.urgent.leave();
    }
  }

  private async run(lane: Lane): Promise<BatchReport> {
    const now = this.clock.now();
    const { batchSize, leaseSeconds, concurrency } = this.settings;
    const lap = stopwatch();
    const giveWay = lane.name === 'bulk' ? () => this.urgent.clear() : undefined;
    const tasks = await this.outbox.claim(this.worker, lane, batchSize, now, leaseSeconds);
    if (tasks.length === 0) return { claimed: 0, sent: 0, settled: 0 };
    const claim = lap();

    const { ready, settled } = await this.preparer.prepare(tasks, now, giveWay);
    await this.outbox.settle(settled);
    const slots = await this.courier.schedule(ready.map((r) => r.parcel));
    const prepare = lap();
    await giveWay?.();
    const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
    const opened = await this.attempts.open(
      this.worker,
      ready.map((r) => r.attempt),
      leaseUntil,
    );
    const isOpen = new Set(opened.map((a) => a.id));
    const sending = ready.flatMap((r, i) => (isOpen.has(r.attempt.id) ? [{ ...r, slot: slots[i] }] : []));
    const open = lap();

    const deliveries = await this.courier.deliver(
      sending.map((r) => r.parcel),
      sending.map((r) => r.slot),
      concurrency,
      giveWay,
    );
    const send = lap();
    await giveWay?.();
    await this.ledger.close(
      sending.map((r, i) => ({ task: r.task, attempt: r.attempt, locale: r.locale, delivery: deliveries[i] })),
      this.clock.now(),
    );
    const ms = { claim, prepare, open, send, close: lap() };
    return { claimed: tasks.length, sent: sending.length, settled: settled.length, ms };
  }
}

/** Milliseconds since the last call (or since it was made). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = Math.round(now - last);
    last = now;
    return elapsed;
  };
}
