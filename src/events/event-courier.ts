import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { afterFailure } from './event-retry.rules';
import { ClaimedDelivery, EventOutbox } from './event-outbox.repository';
import { signEvent } from './event-signature';
import { EventsConfig } from './events.config';

/**
 * Delivers the events outbox: POSTs each due head to its subscriber, signed, and writes down what
 * came of it — delivered (any 2xx), tried again later (backing off), or parked once its window is
 * over. Every instance may run it; the claim decides who delivers what.
 */
@Injectable()
export class EventCourier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventCourier');
  private readonly settings: EventsConfig;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.settings = config.events;
  }

  onApplicationBootstrap(): void {
    if (this.settings.deliveryEnabled) this.next(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round: claims the due heads and delivers them side by side (each a different subscriber and customer). */
  async deliverDue(): Promise<number> {
    const claimed = await this.outbox.claim(this.clock.now(), this.settings.batchSize, this.settings.timeoutMs * 2 + 1_000);
    const failures = await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    await this.outbox.delivered(
      claimed.filter((_, i) => failures[i] === undefined),
      this.clock.now(),
    );
    await Promise.all(
      claimed.map((delivery, i) => (failures[i] === undefined ? undefined : this.failed(delivery, failures[i]!))),
    );
    return claimed.length;
  }

  private next(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.deliverDue().then(
        // A full round may have left more behind it; an empty one waits for the poll.
        (count) => this.next(count === this.settings.batchSize ? 0 : this.settings.pollMs),
        (error: unknown) => {
          this.logger.error({ error: (error as Error).message }, 'event delivery round failed');
          this.next(this.settings.pollMs);
        },
      );
    }, delayMs);
  }

  /** POSTs one delivery; what went wrong, or undefined when the subscriber took it. */
  private async deliver(delivery: ClaimedDelivery): Promise<string | undefined> {
    const body = JSON.stringify({
      id: delivery.eventId,
      type: delivery.type,
      occurredAt: new Date(delivery.occurredAt).toISOString(),
      data: delivery.data,
    });
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Herald-Event-Id': delivery.eventId,
          'X-Herald-Event-Type': delivery.type,
          'X-Herald-Timestamp': String(timestamp),
          'X-Herald-Signature': signEvent(delivery.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      // The body is not read: drop it, so the connection is free for the next delivery.
      await response.body?.cancel();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return (error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message;
    }
  }

  /** Tried again later, backing off, or parked once its window is over. */
  private async failed(delivery: ClaimedDelivery, failure: string): Promise<void> {
    const now = this.clock.now();
    const decision = afterFailure(delivery.attempts, new Date(delivery.createdAt), now, this.settings.retry);
    if (decision.kind === 'retry') return this.outbox.retryAt(delivery, decision.at, failure);
    this.logger.warn({ eventId: delivery.eventId, subscriptionId: delivery.subscriptionId, failure }, 'event delivery parked');
    await this.outbox.park(delivery, now, failure);
  }
}
