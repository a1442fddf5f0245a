import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CursorPage, CursorPageQuery, decodeCursor, encodeCursor } from '../common/pagination';
import { EventType, NewEvent } from './event-types';
import { sql, sqlCount, sqlOne } from '../database/sql';

/**
 * The events of the relation `events` (type, customer_id, occurred_at, data) that some
 * subscription wants, written; returns what `DELIVERIES_OF` needs: for statements that write
 * events set-based themselves. An event no one subscribes to would never be read: a send does not
 * pay for it.
 */
export const EVENTS_FROM = (events: string) =>
  `INSERT INTO events (type, customer_id, occurred_at, data)
   SELECT e.type, e.customer_id, e.occurred_at, e.data FROM ${events} e
    WHERE EXISTS (SELECT 1 FROM event_subscriptions s WHERE e.type = ANY (s.event_types))
   RETURNING id, seq, type, customer_id, occurred_at`;

/**
 * One delivery per subscription that wants it, for each event of the relation `events` (id, seq,
 * type, customer_id, occurred_at): for statements that write events set-based themselves.
 */
export const DELIVERIES_OF = (events: string) =>
  `INSERT INTO event_deliveries (subscription_id, event_id, seq, ordering_key, created_at, next_attempt_at)
   SELECT s.id, e.id, e.seq, coalesce(e.customer_id::text, e.id::text), e.occurred_at, e.occurred_at
     FROM ${events} e JOIN event_subscriptions s ON e.type = ANY (s.event_types)`;

export type DeliveryStatus = 'pending' | 'delivered' | 'parked';

/** A delivery claimed for a try: the event, where it goes and the key it is signed with. */
export interface ClaimedDelivery {
  subscriptionId: string;
  eventId: string;
  attempts: number;
  createdAt: Date;
  type: EventType;
  occurredAt: Date;
  data: Record<string, unknown>;
  url: string;
  secret: string;
}

export interface DeliveryRow {
  subscriptionId: string;
  subscriptionName: string;
  eventId: string;
  type: EventType;
  customerId: string | null;
  occurredAt: Date;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  finishedAt: Date | null;
}

/**
 * The events outbox: `record` writes an event some subscription wants, and one delivery per such
 * subscription, in the caller's transaction — so an event exists exactly when the fact it reports
 * committed (and a subscription hears of what happens after it was made).
 * The courier then takes, per subscription and customer, only the oldest undelivered one (the
 * head), which keeps each customer's events in order for each subscriber.
 */
@Injectable()
export class EventOutbox {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(manager: EntityManager, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    await sql(
      manager,
      `WITH told AS (
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::jsonb[]) AS e(type, customer_id, occurred_at, data)),
       e AS (${EVENTS_FROM('told')})
       ${DELIVERIES_OF('e')}`,
      [
        events.map((e) => e.type),
        events.map((e) => e.customerId),
        events.map((e) => e.occurredAt),
        events.map((e) => JSON.stringify(e.data)),
      ],
    );
  }

  /**
   * Takes up to `limit` heads that are due, each for `leaseMs` (a crashed instance's claim comes
   * back then: delivered at least once). A head already claimed is not due, and the events behind
   * it wait: that is what keeps the order.
   */
  async claim(now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return sql<ClaimedDelivery>(
      this.db,
      `WITH due AS (
         -- Oldest first along the pending index, stopping at $2 heads: a round costs its batch,
         -- not the length of the queue. A head is a delivery with no older pending one of its
         -- subscription and customer (the queue index answers that).
         SELECT d.subscription_id, d.event_id FROM event_deliveries d
          WHERE d.status = 'pending' AND d.next_attempt_at <= $1
            AND NOT EXISTS (
              SELECT 1 FROM event_deliveries p
               WHERE p.subscription_id = d.subscription_id AND p.ordering_key = d.ordering_key
                 AND p.status = 'pending' AND p.seq < d.seq)
          ORDER BY d.seq LIMIT $2
          FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE event_deliveries d
            SET next_attempt_at = $1::timestamptz + make_interval(secs => $3::double precision / 1000), attempts = d.attempts + 1
           FROM due
          WHERE d.subscription_id = due.subscription_id AND d.event_id = due.event_id
         RETURNING d.subscription_id, d.event_id, d.attempts, d.created_at)
       SELECT c.subscription_id AS "subscriptionId", c.event_id AS "eventId", c.attempts, c.created_at AS "createdAt",
              e.type, e.occurred_at AS "occurredAt", e.data, s.url, s.secret
         FROM claimed c JOIN events e ON e.id = c.event_id JOIN event_subscriptions s ON s.id = c.subscription_id
        ORDER BY e.seq`,
      [now, limit, leaseMs],
    );
  }

  /** The round's successes in one statement: a round trip per round, not per event. */
  async delivered(deliveries: ClaimedDelivery[], now: Date): Promise<void> {
    if (deliveries.length === 0) return;
    await sql(
      this.db,
      `UPDATE event_deliveries d SET status = 'delivered', finished_at = $3, last_error = NULL
         FROM unnest($1::uuid[], $2::uuid[]) AS r(subscription_id, event_id)
        WHERE d.subscription_id = r.subscription_id AND d.event_id = r.event_id AND d.status = 'pending'`,
      [deliveries.map((d) => d.subscriptionId), deliveries.map((d) => d.eventId), now],
    );
  }

  async retryAt(delivery: ClaimedDelivery, at: Date, error: string): Promise<void> {
    await this.finish(delivery, `next_attempt_at = $3, last_error = $4`, [at, error]);
  }

  /** Tried for its whole window: ops see it (GET /event-deliveries?status=parked); the customer's next events go on. */
  async park(delivery: ClaimedDelivery, now: Date, error: string): Promise<void> {
    await this.finish(delivery, `status = 'parked', finished_at = $3, last_error = $4`, [now, error]);
  }

  private async finish(delivery: ClaimedDelivery, set: string, params: unknown[]): Promise<void> {
    await sql(this.db, `UPDATE event_deliveries SET ${set} WHERE subscription_id = $1 AND event_id = $2 AND status = 'pending'`, [
      delivery.subscriptionId,
      delivery.eventId,
      ...params,
    ]);
  }

  /** Parked deliveries of a subscription due again now, with a new window; how many. */
  async unpark(subscriptionId: string, now: Date): Promise<number> {
    return sqlCount(
      this.db,
      `UPDATE event_deliveries SET status = 'pending', finished_at = NULL, attempts = 0, created_at = $2, next_attempt_at = $2
        WHERE subscription_id = $1 AND status = 'parked'`,
      [subscriptionId, now],
    );
  }

  /** Deliveries newest first, by status; paged by cursor (the event's seq). */
  async list(query: CursorPageQuery & { status?: DeliveryStatus; subscriptionId?: string }): Promise<CursorPage<DeliveryRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (query.status) add((p) => `d.status = ${p}`, query.status);
    if (query.subscriptionId) add((p) => `d.subscription_id = ${p}`, query.subscriptionId);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const { total } = (await sqlOne<{ total: number }>(
      this.db,
      `SELECT count(*)::int AS total FROM event_deliveries d ${filter}`,
      params,
    ))!;
    const after = decodeCursor(query, [/^\d{1,19}$/, /^[0-9a-f-]{36}$/]);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(d.seq, d.subscription_id) < ($${params.length - 1}::bigint, $${params.length}::uuid)`);
    }
    params.push(query.limit + 1, after ? 0 : query.offset);
    const rows = await sql<DeliveryRow & { seq: string }>(
      this.db,
      `SELECT d.subscription_id AS "subscriptionId", s.name AS "subscriptionName", d.event_id AS "eventId", e.type,
              e.customer_id AS "customerId", e.occurred_at AS "occurredAt", d.status, d.attempts,
              d.next_attempt_at AS "nextAttemptAt", d.last_error AS "lastError", d.finished_at AS "finishedAt", d.seq
         FROM event_deliveries d JOIN events e ON e.id = d.event_id JOIN event_subscriptions s ON s.id = d.subscription_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY d.seq DESC, d.subscription_id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map(({ seq: _seq, ...row }) => row);
    const last = rows[query.limit - 1];
    const next = rows.length > query.limit ? encodeCursor([last.seq, last.subscriptionId]) : undefined;
    return { items, total, limit: query.limit, offset: query.offset, ...(next ? { next } : {}) };
  }
}
