import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../database/sql';

/** One message for one person about one order at one stage, ready to send. */
export interface DueNotification {
  id: string;
  workOrderId: string;
  userId: string;
  stage: 'opened' | 'near_breach' | 'breached';
  channel: 'email' | 'sms';
  email: string | null;
  phone: string | null;
  summary: string;
  severity: string;
  queue: string;
  dueBy: Date;
}

export interface ConsoleNotification {
  id: string;
  workOrderId: string;
  stage: string;
  channel: string;
  status: string;
  summary: string;
  severity: string;
  dueBy: Date;
  createdAt: Date;
}

/** How many notifications a sweep wrote, by stage. */
export interface QueuedCounts {
  opened: number;
  nearBreach: number;
  escalated: number;
}

/** A person's channel: their setting, else the console (every member of staff signs in there). */
const CHANNEL_JOIN = `LEFT JOIN staff_notification_settings s ON s.user_id = u.id`;
const CHANNEL = `coalesce(s.channel, 'console')`;
/** A console notification is delivered by being written; the others wait for the sender. */
const STATUS = `CASE WHEN ${CHANNEL} = 'console' THEN 'sent' ELSE 'pending' END`;
const SENT_AT = (now: string) => `CASE WHEN ${CHANNEL} = 'console' THEN ${now}::timestamptz END`;

/**
 * Staff notifications: who is told about which order at which stage. The unique key (order,
 * person, stage) makes every stage at most once however often the sweep runs; a row is marked
 * `sending` before it is handed to the channel, so a crash never sends it twice.
 */
@Injectable()
export class StaffNotificationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The queue's staff for orders opened in the last day (a member who joins later is not
   * flooded with the backlog), the holder (else the queue's staff) of orders near breach, and
   * the queue's supervisor for orders past due — each escalation once, on the order's record.
   * Returns how many notifications were written.
   */
  async queue(now: Date, nearShare: number): Promise<QueuedCounts> {
    const row = await sqlOne<QueuedCounts>(
      this.db,
      `WITH opened AS (
         INSERT INTO staff_notifications (work_order_id, user_id, stage, channel, status, due_at, sent_at, created_at)
         SELECT w.id, u.id, 'opened', ${CHANNEL}, ${STATUS}, $1, ${SENT_AT('$1')}, $1
           FROM work_orders w
           JOIN work_queue_members m ON m.queue = w.queue
           JOIN users u ON u.id = m.user_id AND NOT u.disabled
           ${CHANNEL_JOIN}
          WHERE w.closed_at IS NULL AND w.opened_at > $1::timestamptz - interval '1 day'
            AND NOT EXISTS (SELECT 1 FROM staff_notifications n WHERE n.work_order_id = w.id AND n.stage = 'opened' AND n.user_id = u.id)
         ON CONFLICT DO NOTHING RETURNING 1),
       near AS (
         INSERT INTO staff_notifications (work_order_id, user_id, stage, channel, status, due_at, sent_at, created_at)
         SELECT w.id, u.id, 'near_breach', ${CHANNEL}, ${STATUS}, $1, ${SENT_AT('$1')}, $1
           FROM work_orders w
           JOIN users u ON NOT u.disabled AND (u.id = w.assignee_id OR (w.assignee_id IS NULL
                AND u.id IN (SELECT m.user_id FROM work_queue_members m WHERE m.queue = w.queue)))
           ${CHANNEL_JOIN}
          WHERE w.closed_at IS NULL AND w.due_by > $1
            AND $1 >= w.opened_at + (w.due_by - w.opened_at) * $2::float8
         ON CONFLICT DO NOTHING RETURNING 1),
       breached AS (
         UPDATE work_orders w SET escalated_at = $1
          WHERE w.closed_at IS NULL AND w.due_by <= $1 AND w.escalated_at IS NULL
         RETURNING w.id, w.queue, w.status),
       escalation_events AS (
         INSERT INTO work_order_events (work_order_id, at, action, status, detail)
         SELECT b.id, $1, 'escalated', b.status, jsonb_build_object('to', q.supervisor_id)
           FROM breached b LEFT JOIN work_queues q ON q.name = b.queue),
       escalations AS (
         INSERT INTO staff_notifications (work_order_id, user_id, stage, channel, status, due_at, sent_at, created_at)
         SELECT b.id, u.id, 'breached', ${CHANNEL}, ${STATUS}, $1, ${SENT_AT('$1')}, $1
           FROM breached b
           JOIN work_queues q ON q.name = b.queue
           JOIN users u ON u.id = q.supervisor_id AND NOT u.disabled
           ${CHANNEL_JOIN}
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT (SELECT count(*) FROM opened)::int AS opened, (SELECT count(*) FROM near)::int AS "nearBreach",
              (SELECT count(*) FROM breached)::int AS escalated`,
      [now, nearShare],
    );
    return row!;
  }

  /** Takes up to `limit` e-mails and SMS due by now for sending (marked `sending`: never taken twice). */
  async take(now: Date, limit: number): Promise<DueNotification[]> {
    return sql<DueNotification>(
      this.db,
      `WITH taken AS (
         UPDATE staff_notifications n SET status = 'sending'
          WHERE n.id IN (SELECT id FROM staff_notifications WHERE status = 'pending' AND due_at <= $1
                          ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING n.*)
       SELECT t.id, t.work_order_id AS "workOrderId", t.user_id AS "userId", t.stage, t.channel, s.email, s.phone,
              w.summary, w.severity, w.queue, w.due_by AS "dueBy"
         FROM taken t JOIN work_orders w ON w.id = t.work_order_id
         LEFT JOIN staff_notification_settings s ON s.user_id = t.user_id`,
      [now, limit],
    );
  }

  /** Records the send's result, and a sent one on the order's history. */
  async settle(notification: DueNotification, result: { error?: string }, now: Date): Promise<void> {
    await sql(
      this.db,
      `WITH settled AS (
         UPDATE staff_notifications SET status = $2, sent_at = CASE WHEN $2 = 'sent' THEN $3::timestamptz END, error = $4
          WHERE id = $1 RETURNING work_order_id, user_id, stage, channel)
       INSERT INTO work_order_events (work_order_id, at, action, status, detail)
       SELECT s.work_order_id, $3, 'notified', w.status, jsonb_build_object('userId', s.user_id, 'stage', s.stage, 'channel', s.channel)
         FROM settled s JOIN work_orders w ON w.id = s.work_order_id WHERE $2 = 'sent'`,
      [notification.id, result.error ? 'failed' : 'sent', now, result.error ?? null],
    );
  }

  /** A person's notifications in the console, newest first. */
  async forUser(userId: string, limit: number): Promise<ConsoleNotification[]> {
    return sql<ConsoleNotification>(
      this.db,
      `SELECT n.id, n.work_order_id AS "workOrderId", n.stage, n.channel, n.status, w.summary, w.severity,
              w.due_by AS "dueBy", n.created_at AS "createdAt"
         FROM staff_notifications n JOIN work_orders w ON w.id = n.work_order_id
        WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id LIMIT $2`,
      [userId, limit],
    );
  }
}
