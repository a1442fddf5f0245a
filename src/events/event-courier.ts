import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
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
 *
 * Rounds overlap: a full claim is followed at once by the next (up to EVENTS_ROUNDS_IN_FLIGHT
 * batches in hand), rather than waiting for the slowest subscriber of the batch before it. That
 * keeps each customer's order: a claimed head is not due again until its lease runs out, and the
 * events behind it are not heads while it is pending, so no other round can take them. The
 * database sees two statements per batch (the claim, the successes), never one per event, and the
 * POSTs go over keep-alive connections (node:http, cheaper per request than fetch).
 */
@Injectable()
export class EventCourier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventCourier');
  private readonly settings: EventsConfig;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private timer?: NodeJS.Timeout;
  private claiming = false;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly outbox: EventOutbox,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.settings = config.events;
    const agent = { keepAlive: true, maxSockets: this.settings.socketsPerOrigin };
    this.agents = { http: new http.Agent(agent), https: new https.Agent(agent) };
  }

  onApplicationBootstrap(): void {
    if (this.settings.deliveryEnabled) this.wake(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** One round, start to end: claims the due heads and delivers them side by side. */
  async deliverDue(): Promise<number> {
    const claimed = await this.claim();
    await this.settle(claimed);
    return claimed.length;
  }

  private claim(): Promise<ClaimedDelivery[]> {
    return this.outbox.claim(this.clock.now(), this.settings.batchSize, this.settings.timeoutMs * 2 + 1_000);
  }

  /** Delivers a claimed batch and writes down the outcomes: the successes in one statement. */
  private async settle(claimed: ClaimedDelivery[]): Promise<void> {
    const failures = await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    await this.outbox.delivered(
      claimed.filter((_, i) => failures[i] === undefined),
      this.clock.now(),
    );
    await Promise.all(
      claimed.map((delivery, i) => (failures[i] === undefined ? undefined : this.failed(delivery, failures[i]!))),
    );
  }

  private wake(delayMs: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delayMs);
  }

  /**
   * Claims the next batch if there is room for it; a full batch may have left more behind it, so
   * the next claim follows at once, while a short one waits for the poll. A batch's end makes room.
   */
  private pump(): void {
    if (this.stopped || this.claiming || this.inFlight.size >= this.settings.roundsInFlight) return;
    this.claiming = true;
    const claiming = this.claim().then(
      (claimed) => {
        this.claiming = false;
        if (claimed.length > 0) {
          const round: Promise<void> = this.settle(claimed)
            .catch((error: unknown) => this.logger.error({ error: (error as Error).message }, 'event delivery round failed'))
            .finally(() => {
              this.inFlight.delete(round);
              this.pump();
            });
          this.inFlight.add(round);
        }
        if (claimed.length === this.settings.batchSize) this.pump();
        else this.wake(this.settings.pollMs);
      },
      (error: unknown) => {
        this.claiming = false;
        this.logger.error({ error: (error as Error).message }, 'event claim failed');
        this.wake(this.settings.pollMs);
      },
    );
    // Shutdown waits for a claim under way too: its batch must be settled, not left to its lease.
    const tracked: Promise<void> = claiming.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
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
      const status = await this.post(delivery.url, body, {
        'Content-Type': 'application/json',
        'X-Herald-Event-Id': delivery.eventId,
        'X-Herald-Event-Type': delivery.type,
        'X-Herald-Timestamp': String(timestamp),
        'X-Herald-Signature': signEvent(delivery.secret, timestamp, body),
      });
      // Redirects are not followed: the subscriber's URL is the one it gave.
      return status >= 200 && status < 300 ? undefined : `HTTP ${status}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** The status the subscriber answered, within EVENTS_TIMEOUT_MS from the start of the request. */
  private post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return reject(new Error('not a URL'));
      }
      const secure = target.protocol === 'https:';
      const request = (secure ? https : http).request(target, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
      });
      const timer = setTimeout(() => request.destroy(new Error('timed out')), this.settings.timeoutMs);
      request.on('response', (response) => {
        // The body is not read: drained, so the connection is free for the next delivery.
        response.resume();
        response.on('end', () => clearTimeout(timer));
        resolve(response.statusCode ?? 0);
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
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
