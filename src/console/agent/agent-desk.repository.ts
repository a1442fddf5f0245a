import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../../database/sql';
import { attemptIdAt } from '../../dispatch/attempt-id';
import { attemptIs } from '../../dispatch/attempt-log.repository';
import { ContactPurpose } from '../../dispatch/contact-task.entity';
import { DESK_QUEUE } from '../../work-orders/work-order.rules';
import { DESK_ORDER } from '../../work-orders/work-orders.repository';
import { subjectRefSql } from '../../common/subject-ref';

/** A desk task (a work order on the desk's queue) as the desk shows it: `open` until it is closed. */
export interface TaskRow {
  id: string;
  customerId: string;
  kind: string;
  subjectRef: string | null;
  templateKey: string | null;
  status: 'open' | 'done';
  takenBy: string | null;
  dueAt: Date;
  callBackPurpose: ContactPurpose | null;
  attempts: number;
}

export interface QueueRow extends TaskRow {
  priority: number;
  customerName: string;
  timezone: string;
  mine: boolean | null;
}

export interface RecentContactRow {
  at: Date;
  purpose: ContactPurpose;
  channel: string;
  status: string;
  templateKey: string | null;
  detail: string | null;
}

export interface RecentReplyRow {
  at: Date;
  channel: string;
  body: string;
  intent: string | null;
}

const TASK_COLUMNS = `t.id, t.customer_id AS "customerId", t.kind, t.subject_ref AS "subjectRef", t.template_key AS "templateKey",
  CASE WHEN t.closed_at IS NULL THEN 'open' ELSE 'done' END AS status, t.assignee_id AS "takenBy",
  coalesce(t.not_before, t.opened_at) AS "dueAt", d.purpose AS "callBackPurpose", t.attempts`;
const CALL_BACK_JOIN = `LEFT JOIN customer_dispositions d ON t.kind = 'call_back' AND t.subject_ref = ${subjectRefSql('callback', 'd.id')}`;

/** What the agent's desk reads, and the click-to-call attempts it writes. */
@Injectable()
export class AgentDeskRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Open tasks due at `now` that nobody but the agent has taken, in the desk's order, and how many there are. */
  async queue(agentId: string, now: Date, page: { limit: number; offset: number }): Promise<{ rows: QueueRow[]; total: number }> {
    const scope = `t.queue = '${DESK_QUEUE}' AND t.closed_at IS NULL AND (t.assignee_id IS NULL OR t.assignee_id = $1)
      AND coalesce(t.not_before, t.opened_at) <= $2`;
    const [rows, counted] = await Promise.all([
      sql<QueueRow>(
        this.db,
        `SELECT ${TASK_COLUMNS}, t.priority, c.full_name AS "customerName", c.timezone, t.assignee_id = $1 AS mine
           FROM work_orders t JOIN customers c ON c.id = t.customer_id ${CALL_BACK_JOIN}
          WHERE ${scope} ORDER BY ${DESK_ORDER} LIMIT $3 OFFSET $4`,
        [agentId, now, page.limit, page.offset],
      ),
      sqlOne<{ total: number }>(this.db, `SELECT count(*)::int AS total FROM work_orders t WHERE ${scope}`, [agentId, now]),
    ]);
    return { rows, total: counted!.total };
  }

  task(taskId: string): Promise<TaskRow | undefined> {
    return sqlOne<TaskRow>(this.db, `SELECT ${TASK_COLUMNS} FROM work_orders t ${CALL_BACK_JOIN} WHERE t.id = $1`, [taskId]);
  }

  /** The customer's phone and the agent's: the two ends of a click-to-call. */
  async phones(
    customerId: string,
    userId: string,
  ): Promise<{ customer?: { phone: string | null }; user?: { phone: string | null } }> {
    const [customer, user] = await Promise.all([
      sqlOne<{ phone: string | null }>(this.db, `SELECT phone FROM customers WHERE id = $1`, [customerId]),
      sqlOne<{ phone: string | null }>(this.db, `SELECT phone FROM users WHERE id = $1`, [userId]),
    ]);
    return { customer, user };
  }

  /**
   * A pending call attempt, before Twilio is asked to place it: its id, made as the dispatcher
   * makes its own from the call's instant, so that Twilio's status callbacks find it in its month.
   */
  async logCall(a: {
    customerId: string;
    purpose: ContactPurpose;
    provider: string;
    detail: string;
    subjectRef: string | null;
    at: Date;
  }): Promise<string> {
    const row = await sqlOne<{ id: string }>(
      this.db,
      `INSERT INTO contact_attempts (id, customer_id, purpose, channel, provider, status, detail, subject_ref, attempted_at)
       VALUES ($1, $2, $3, 'call', $4, 'pending', $5, $6, $7) RETURNING id`,
      [attemptIdAt(a.at), a.customerId, a.purpose, a.provider, a.detail, a.subjectRef, a.at],
    );
    return row!.id;
  }

  async callPlaced(attemptId: string, providerRef: string, status: string): Promise<void> {
    await sql(
      this.db,
      `UPDATE contact_attempts SET provider_ref = $2, status = $3, updated_at = now() WHERE ${attemptIs('$1')}`,
      [attemptId, providerRef, status],
    );
  }

  async callFailed(attemptId: string, detail: string): Promise<void> {
    await sql(
      this.db,
      `UPDATE contact_attempts SET status = 'failed', detail = $2, updated_at = now() WHERE ${attemptIs('$1')}`,
      [attemptId, detail],
    );
  }

  /** The call `providerRef` names, or the customer's latest click-to-call. */
  watchedCall(customerId: string, providerRef: string | null): Promise<{ attemptId: string; status: string } | undefined> {
    return sqlOne<{ attemptId: string; status: string }>(
      this.db,
      `SELECT id AS "attemptId", status FROM contact_attempts
        WHERE customer_id = $1 AND channel = 'call' AND ($2::text IS NULL OR provider_ref = $2)
          AND ($2::text IS NOT NULL OR detail LIKE 'click-to-call%')
        ORDER BY attempted_at DESC, id DESC LIMIT 1`,
      [customerId, providerRef],
    );
  }

  callStatus(attemptId: string): Promise<{ status: string } | undefined> {
    return sqlOne<{ status: string }>(this.db, `SELECT status FROM contact_attempts WHERE ${attemptIs('$1')}`, [attemptId]);
  }

  recentContacts(customerId: string): Promise<RecentContactRow[]> {
    return sql<RecentContactRow>(
      this.db,
      `SELECT attempted_at AS at, purpose, channel, status, template_key AS "templateKey", detail
         FROM contact_attempts WHERE customer_id = $1 ORDER BY attempted_at DESC LIMIT 8`,
      [customerId],
    );
  }

  recentReplies(customerId: string): Promise<RecentReplyRow[]> {
    return sql<RecentReplyRow>(
      this.db,
      `SELECT received_at AS at, channel, body, intent FROM inbound_messages WHERE customer_id = $1 ORDER BY received_at DESC LIMIT 5`,
      [customerId],
    );
  }
}
