import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Page, PageQuery } from '../common/pagination';
import { subjectRefPatternSql } from '../common/subject-ref';
import { sql, sqlOne, SqlRunner } from '../database/sql';
import {
  DESK_QUEUE,
  deskSeverity,
  deskSlaMinutes,
  deskSummary,
  DeskKind,
  DeskTaskFacts,
  WorkOrderKind,
  WorkOrderStatus,
} from './work-order.rules';

/** Higher first when an agent asks for the next order. */
const SEVERITY_RANK = `CASE w.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END`;

/** Past due-by while open (at due-by itself, as the escalation sweep sees it), or closed after it. */
const breached = (now: string) => `CASE WHEN w.closed_at IS NULL THEN ${now} >= w.due_by ELSE w.closed_at > w.due_by END`;

/** `$now`: the parameter holding the instant "breached" is judged at. */
const columns = (now: string) => `w.id, w.kind, w.customer_id AS "customerId", w.alert_rule_id AS "alertRuleId",
  w.source_ref AS "sourceRef", w.summary, w.severity, w.queue, w.status, w.assignee_id AS "assigneeId",
  w.opened_at AS "openedAt", w.due_by AS "dueBy", w.first_action_at AS "firstActionAt", w.closed_at AS "closedAt",
  w.escalated_at AS "escalatedAt", w.outcome, w.note, ${breached(now)} AS breached`;

export interface WorkOrderView {
  id: string;
  kind: WorkOrderKind;
  customerId: string;
  alertRuleId: string | null;
  sourceRef: string | null;
  summary: string;
  severity: string;
  queue: string;
  status: WorkOrderStatus;
  assigneeId: string | null;
  openedAt: Date;
  dueBy: Date;
  firstActionAt: Date | null;
  closedAt: Date | null;
  escalatedAt: Date | null;
  outcome: string | null;
  note: string | null;
  /** Past due-by while open, or closed after it. */
  breached: boolean;
}

/** A page's count, beside its rows. */
interface TotalRow {
  total: number;
}

export interface WorkOrderEventView {
  at: Date;
  actorId: string | null;
  action: string;
  status: string;
  detail: Record<string, unknown>;
}

export interface NewWorkOrder {
  kind: Exclude<WorkOrderKind, 'alert'>;
  customerId: string;
  /** What opened it (an inbound message's id): the same source opens one order however often it is retried. */
  sourceRef?: string;
  summary: string;
  severity: string;
  queue: string;
  slaMinutes: number;
  actorId?: string;
}

export interface WorkOrderFilters {
  queue?: string;
  status?: WorkOrderStatus;
  severity?: string;
  breached?: boolean;
  customerId?: string;
}

export interface SlaFigures {
  queue: string;
  severity: string;
  opened: number;
  resolved: number;
  resolvedWithinSla: number;
  /** Resolved within SLA over the orders whose SLA is decided (resolved, or open past due-by); null with none. */
  withinSlaShare: number | null;
  p50FirstActionSeconds: number | null;
  p90FirstActionSeconds: number | null;
  p50ResolutionSeconds: number | null;
  p90ResolutionSeconds: number | null;
  openNow: number;
  breachedNow: number;
}

/** A stats row as read: the percentiles as PostgreSQL gives them (float8), and how many orders' SLA is decided. */
interface SlaFiguresRow extends Omit<SlaFigures, 'withinSlaShare'> {
  decided: number;
}

/** One day (in the reporting zone) of the orders opened on it. */
export interface DailySla {
  day: string;
  opened: number;
  /** Resolved by due-by. */
  withinSla: number;
  /** Resolved after due-by, or open past it now. */
  late: number;
}

/**
 * The parameters the alert fragment reads, by placeholder: the rule, the instant, its severity,
 * queue, SLA, close-on-exit and summary. See `alertOrdersSql`.
 */
export interface AlertOrderParams {
  rule: string;
  now: string;
  severity: string;
  queue: string;
  slaMinutes: string;
  closeOnExit: string;
  summary: string;
}

/** A call for the agent desk: a work order on its queue, ranked by `priority` (PURPOSE_PRIORITY). */
export interface NewDeskTask {
  customerId: string;
  kind: DeskKind;
  priority: number;
  /** What it is about (a fraud case's id, `callback:<disposition>`): one open task per customer and subject. */
  subjectRef: string;
  createdAt: Date;
  /** Not offered before (a call back at the time agreed); absent, at once. */
  dueAt?: Date;
}

/** A desk task as `/agent-tasks` has always shown it: `done` is a resolved order. */
export interface AgentTaskView {
  id: string;
  customerId: string;
  kind: string;
  priority: number;
  subjectRef: string | null;
  status: 'open' | 'done' | 'cancelled';
  createdAt: Date;
}

const TASK_VIEW = `t.id, t.customer_id AS "customerId", t.kind, t.priority, t.subject_ref AS "subjectRef",
  CASE WHEN t.closed_at IS NULL THEN 'open' WHEN t.status = 'resolved' THEN 'done' ELSE 'cancelled' END AS status,
  t.opened_at AS "createdAt"`;

/** The desk's order: fraud first, then by when the call may be made. */
export const DESK_ORDER = `t.priority DESC, coalesce(t.not_before, t.opened_at), t.id`;

/** From when a desk call may be made, its due-by: the kind's SLA (deskSlaMinutes), as SQL over `kind`. */
const deskDueBy = (startSql: string, kindSql: string) =>
  `${startSql} + make_interval(mins => CASE ${kindSql} WHEN 'fraud_verification' THEN ${deskSlaMinutes('fraud_verification')}
     WHEN 'fraud_confirmed' THEN ${deskSlaMinutes('fraud_confirmed')} WHEN 'call_back' THEN ${deskSlaMinutes('call_back')}
     ELSE ${deskSlaMinutes('collections-dpd-31')} END)`;

/**
 * An INSERT of desk tasks from `select` (columns customer_id, template_key, subject_ref, kind,
 * priority, not_before, opened_at), with their history's first line, as CTEs `desk_queued` and
 * `desk_queued_events` (ids in `desk_queued`). A task whose subject is already open for the
 * customer, or a collection bucket's call already made this cycle, is not inserted.
 */
function deskTasksSql(select: string): string {
  return `
  desk_queued AS (
    INSERT INTO work_orders (customer_id, template_key, subject_ref, kind, priority, not_before, opened_at, updated_at,
                             summary, severity, queue, due_by)
    SELECT s.customer_id, s.template_key, s.subject_ref, s.kind, s.priority, s.not_before, s.opened_at, s.opened_at,
           '${deskSummary('collections-dpd-31')}', CASE WHEN s.priority >= 300 THEN 'high' ELSE 'medium' END, '${DESK_QUEUE}',
           ${deskDueBy('greatest(coalesce(s.not_before, s.opened_at), s.opened_at)', 's.kind')}
      FROM (${select}) s (customer_id, template_key, subject_ref, kind, priority, not_before, opened_at)
    ON CONFLICT DO NOTHING
    RETURNING id, opened_at, kind
  ),
  desk_queued_events AS (
    INSERT INTO work_order_events (work_order_id, at, action, status, detail)
    SELECT id, opened_at, 'opened', 'open', jsonb_build_object('by', kind) FROM desk_queued
  )`;
}

/**
 * CTEs (to follow others in one WITH) that open a work order for each episode `opened` holds
 * (columns id, customer_id) and, when the rule closes on exit, resolve the open order of each
 * episode `closed` holds (column id) — each with its line in the history. Written here, by the
 * table's owner, and run inside the alert evaluation's single statement, so an alert and its
 * order are one atomic, set-based write.
 */
export function alertOrdersSql(opened: string, closed: string, p: AlertOrderParams): string {
  return `
  alert_orders AS (
    INSERT INTO work_orders (kind, customer_id, alert_rule_id, alert_episode_id, summary, severity, queue, opened_at, due_by, updated_at)
    SELECT 'alert', o.customer_id, ${p.rule}, o.id, ${p.summary}, ${p.severity}, ${p.queue}, ${p.now},
           ${p.now} + make_interval(mins => ${p.slaMinutes}), ${p.now}
      FROM ${opened} o
    RETURNING id
  ),
  alert_order_events AS (
    INSERT INTO work_order_events (work_order_id, at, action, status, detail)
    SELECT id, ${p.now}, 'opened', 'open', jsonb_build_object('by', 'alert rule', 'ruleId', ${p.rule}) FROM alert_orders
  ),
  cleared_orders AS (
    UPDATE work_orders w SET status = 'resolved', outcome = 'condition_cleared', closed_at = ${p.now}, updated_at = ${p.now}
     WHERE ${p.closeOnExit} AND w.closed_at IS NULL AND w.alert_episode_id IN (SELECT id FROM ${closed})
    RETURNING w.id
  ),
  cleared_order_events AS (
    INSERT INTO work_order_events (work_order_id, at, action, status, detail)
    SELECT id, ${p.now}, 'resolved', 'resolved', '{"by": "alert rule", "outcome": "condition_cleared"}'::jsonb FROM cleared_orders
  )`;
}

/** Every write to work orders and their history; the lists and figures read from them. */
@Injectable()
export class WorkOrdersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Opens the desk tasks a caller's query selects (the columns deskTasksSql names, its parameters
   * `params`), in one statement and the caller's transaction. Returns how many were opened.
   */
  async openDeskTasksSelected(manager: EntityManager, select: string, params: unknown[]): Promise<number> {
    const rows = await sql<{ id: string }>(
      manager,
      `WITH ${deskTasksSql(select)}
       SELECT id FROM desk_queued`,
      params,
    );
    return rows.length;
  }

  /** Opens an order outside an alert; undefined when its source opened one already. */
  async open(manager: EntityManager, order: NewWorkOrder, now: Date): Promise<string | undefined> {
    const row = await sqlOne<{ id: string }>(
      manager,
      `WITH opened AS (
         INSERT INTO work_orders (kind, customer_id, source_ref, summary, severity, queue, opened_at, due_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7::timestamptz + make_interval(mins => $8), $7)
         ON CONFLICT (kind, source_ref) WHERE source_ref IS NOT NULL DO NOTHING
         RETURNING id),
       history AS (
         INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
         SELECT id, $7, $9, 'opened', 'open', jsonb_build_object('by', $1::text) FROM opened)
       SELECT id FROM opened`,
      [
        order.kind,
        order.customerId,
        order.sourceRef ?? null,
        order.summary,
        order.severity,
        order.queue,
        now,
        order.slaMinutes,
        order.actorId ?? null,
      ],
    );
    return row?.id;
  }

  /**
   * Orders opened by their sources (inbound replies), many in one statement: the replies' group
   * commit hands them over together, so they share one commit. Each gets its order's id, or
   * undefined when its source had opened one already.
   */
  async openFromSources(
    on: SqlRunner,
    orders: (NewWorkOrder & { sourceRef: string; at: Date })[],
  ): Promise<(string | undefined)[]> {
    const rows = await sql<{ id: string; sourceRef: string }>(
      on,
      `WITH input AS (
         SELECT DISTINCT ON (kind, source_ref) * FROM json_to_recordset($1::json)
           AS i(kind text, customer_id uuid, source_ref text, summary text, severity text, queue text, at timestamptz, sla int, actor uuid)
          ORDER BY kind, source_ref),
       opened AS (
         INSERT INTO work_orders (kind, customer_id, source_ref, summary, severity, queue, opened_at, due_by, updated_at)
         SELECT kind, customer_id, source_ref, summary, severity, queue, at, at + make_interval(mins => sla), at FROM input
         ON CONFLICT (kind, source_ref) WHERE source_ref IS NOT NULL DO NOTHING
         RETURNING id, kind, source_ref, opened_at),
       history AS (
         INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
         SELECT o.id, o.opened_at, i.actor, 'opened', 'open', jsonb_build_object('by', o.kind)
           FROM opened o JOIN input i ON i.kind = o.kind AND i.source_ref = o.source_ref)
       SELECT id, source_ref AS "sourceRef" FROM opened`,
      [
        JSON.stringify(
          orders.map((o) => ({
            kind: o.kind,
            customer_id: o.customerId,
            source_ref: o.sourceRef,
            summary: o.summary,
            severity: o.severity,
            queue: o.queue,
            at: o.at,
            sla: o.slaMinutes,
            actor: o.actorId ?? null,
          })),
        ),
      ],
    );
    const opened = new Map(rows.map((row) => [row.sourceRef, row.id]));
    // The first of a source's requests in the batch gets the order; a retry beside it, like one after it, gets none.
    return orders.map((o) => {
      const id = opened.get(o.sourceRef);
      opened.delete(o.sourceRef);
      return id;
    });
  }

  // ---- The agent desk's calls: work orders on DESK_QUEUE, taken with the same claim. ----

  /**
   * Queues a desk call, at most one open per customer and subject (a partial unique index): a
   * retried escalation adds nothing. `fraud_confirmed` turns the case's open verification call
   * into the follow-up instead — one task per customer and case, whoever holds it keeps it.
   */
  async createTask(manager: EntityManager, task: NewDeskTask): Promise<void> {
    const followUp = task.kind === 'fraud_confirmed';
    await sql(
      manager,
      `WITH queued AS (
         INSERT INTO work_orders (kind, customer_id, priority, subject_ref, not_before, opened_at, updated_at,
                                  summary, severity, queue, due_by)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $6, $7, $8, $9,
                 greatest(coalesce($5, $6), $6) + make_interval(mins => $10))
         ON CONFLICT (customer_id, subject_ref) WHERE closed_at IS NULL AND subject_ref IS NOT NULL
         DO UPDATE SET kind = excluded.kind, summary = excluded.summary, updated_at = excluded.updated_at,
                       due_by = greatest(work_orders.due_by, excluded.due_by)
           WHERE $11::boolean AND work_orders.kind = 'fraud_verification'
         RETURNING id, (xmax = 0) AS inserted)
       INSERT INTO work_order_events (work_order_id, at, action, status, detail)
       SELECT id, $6, CASE WHEN inserted THEN 'opened' ELSE 'status_changed' END, 'open', jsonb_build_object('by', $1::text)
         FROM queued`,
      [
        task.kind,
        task.customerId,
        task.priority,
        task.subjectRef,
        task.dueAt ?? null,
        task.createdAt,
        deskSummary(task.kind),
        deskSeverity(task.priority),
        DESK_QUEUE,
        deskSlaMinutes(task.kind),
        followUp,
      ],
    );
  }

  /** In an agent's list scope (`heldBy`): the open tasks free to take or its own, and the closed ones it took. */
  async listTasks(status: 'open' | 'done', page: PageQuery, heldBy?: string): Promise<Page<AgentTaskView>> {
    const where = `t.queue = '${DESK_QUEUE}' AND (CASE WHEN $1 = 'open' THEN t.closed_at IS NULL ELSE t.status = 'resolved' END)
      AND ($2::uuid IS NULL OR t.assignee_id = $2 OR (t.closed_at IS NULL AND t.assignee_id IS NULL))`;
    const filters = [status, heldBy ?? null];
    const [items, [{ total }]] = await Promise.all([
      sql<AgentTaskView>(
        this.db,
        `SELECT ${TASK_VIEW} FROM work_orders t WHERE ${where} ORDER BY t.priority DESC, t.opened_at, t.id LIMIT $3 OFFSET $4`,
        [...filters, page.limit, page.offset],
      ),
      sql<TotalRow>(this.db, `SELECT count(*)::int AS total FROM work_orders t WHERE ${where}`, filters),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /**
   * The one claim every queue uses: the first open order nobody holds that `scope` admits (SQL
   * over `t`, `$1` the agent, `$2` now) in `order`, now the agent's and in progress, with its
   * line in the history. `FOR UPDATE SKIP LOCKED`: two agents asking at once get two different orders.
   */
  private async claim(agentId: string, now: Date, scope: string, order: string): Promise<string | undefined> {
    const row = await sqlOne<{ id: string }>(
      this.db,
      `WITH next AS (
         SELECT t.id FROM work_orders t
          WHERE t.status = 'open' AND t.assignee_id IS NULL AND ${scope}
          ORDER BY ${order} LIMIT 1 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE work_orders w SET status = 'in_progress', assignee_id = $1, updated_at = $2,
                first_action_at = coalesce(w.first_action_at, $2)
           FROM next WHERE w.id = next.id RETURNING w.id),
       history AS (
         INSERT INTO work_order_events (work_order_id, at, actor_id, action, status)
         SELECT id, $2, $1, 'claimed', 'in_progress' FROM claimed)
       SELECT id FROM claimed`,
      [agentId, now],
    );
    return row?.id;
  }

  /** The desk's most urgent call that may be made by `now`; any agent may take it. */
  async takeNextTask(agentId: string, now: Date): Promise<AgentTaskView | undefined> {
    const id = await this.claim(
      agentId,
      now,
      `t.queue = '${DESK_QUEUE}' AND coalesce(t.not_before, t.opened_at) <= $2`,
      DESK_ORDER,
    );
    return id ? this.task(id) : undefined;
  }

  private async task(id: string): Promise<AgentTaskView | undefined> {
    return sqlOne<AgentTaskView>(this.db, `SELECT ${TASK_VIEW} FROM work_orders t WHERE t.id = $1`, [id]);
  }

  /** Takes an open desk task nobody else holds (its holder taking it again changes nothing); nothing otherwise. */
  async takeTask(taskId: string, agentId: string, now: Date): Promise<AgentTaskView | undefined> {
    return sqlOne<AgentTaskView>(
      this.db,
      `WITH before AS (
         SELECT id, assignee_id FROM work_orders
          WHERE id = $1 AND queue = $4 AND closed_at IS NULL AND (assignee_id IS NULL OR assignee_id = $2) FOR UPDATE),
       taken AS (
         UPDATE work_orders t SET status = 'in_progress', assignee_id = $2, updated_at = $3,
                first_action_at = coalesce(t.first_action_at, $3)
           FROM before WHERE t.id = before.id RETURNING t.*, before.assignee_id AS was),
       history AS (
         INSERT INTO work_order_events (work_order_id, at, actor_id, action, status)
         SELECT id, $3, $2, 'claimed', 'in_progress' FROM taken WHERE was IS NULL)
       SELECT ${TASK_VIEW} FROM taken t`,
      [taskId, agentId, now, DESK_QUEUE],
    );
  }

  /** Hands an open desk task the agent holds back to the queue, free for anyone; nothing otherwise. */
  async releaseTask(taskId: string, agentId: string, now: Date): Promise<AgentTaskView | undefined> {
    return sqlOne<AgentTaskView>(
      this.db,
      `WITH released AS (
         UPDATE work_orders SET status = 'open', assignee_id = NULL, updated_at = $3
          WHERE id = $1 AND queue = $4 AND closed_at IS NULL AND assignee_id = $2 RETURNING *),
       history AS (
         INSERT INTO work_order_events (work_order_id, at, actor_id, action, status)
         SELECT id, $3, $2, 'released', 'open' FROM released)
       SELECT ${TASK_VIEW} FROM released t`,
      [taskId, agentId, now, DESK_QUEUE],
    );
  }

  /**
   * The call's disposition closes the desk task (the agent's, or a free one it may work): resolved
   * with the disposition's code as its outcome. False when it is closed, another agent's or
   * another customer's.
   */
  async closeTask(
    manager: EntityManager,
    close: { taskId: string; customerId: string; agentId: string; dispositionId: string; outcome: string; now: Date },
  ): Promise<boolean> {
    const closed = await sqlOne<{ id: string }>(
      manager,
      `WITH closed AS (
         UPDATE work_orders SET status = 'resolved', outcome = $5, closed_at = $6, disposition_id = $4, updated_at = $6,
                assignee_id = $3, first_action_at = coalesce(first_action_at, $6)
          WHERE id = $1 AND customer_id = $2 AND queue = $7 AND closed_at IS NULL AND (assignee_id = $3 OR assignee_id IS NULL)
          RETURNING id),
       history AS (
         INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
         SELECT id, $6, $3, 'resolved', 'resolved', jsonb_build_object('outcome', $5::text, 'dispositionId', $4::uuid) FROM closed)
       SELECT id FROM closed`,
      [close.taskId, close.customerId, close.agentId, close.dispositionId, close.outcome, close.now, DESK_QUEUE],
    );
    return Boolean(closed);
  }

  /** What deciding a disposition's effect on a desk task needs (deskTaskAfter); undefined when it is no desk task. */
  async deskTask(manager: EntityManager, id: string): Promise<DeskTaskFacts | undefined> {
    return sqlOne<DeskTaskFacts>(
      manager,
      `SELECT kind, subject_ref AS "subjectRef", attempts FROM work_orders WHERE id = $1 AND queue = $2`,
      [id, DESK_QUEUE],
    );
  }

  /**
   * The disposition is on the record of a task that goes on (a confirmed fraud's next steps, the
   * agent still holding it): a line in its history. False when it is not open and the agent's to work.
   */
  async keepTask(
    manager: EntityManager,
    keep: { taskId: string; customerId: string; agentId: string; dispositionId: string; outcome: string; now: Date },
  ): Promise<boolean> {
    const kept = await sqlOne<{ work_order_id: string }>(
      manager,
      `WITH kept AS (
         UPDATE work_orders SET status = 'in_progress', assignee_id = $3, disposition_id = $4, updated_at = $6,
                first_action_at = coalesce(first_action_at, $6)
          WHERE id = $1 AND customer_id = $2 AND queue = $7 AND closed_at IS NULL AND (assignee_id = $3 OR assignee_id IS NULL)
          RETURNING id)
       INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
       SELECT id, $6, $3, 'note', 'in_progress', jsonb_build_object('outcome', $5::text, 'dispositionId', $4::uuid) FROM kept
       RETURNING work_order_id`,
      [keep.taskId, keep.customerId, keep.agentId, keep.dispositionId, keep.outcome, keep.now, DESK_QUEUE],
    );
    return Boolean(kept);
  }

  /**
   * "No answer" on a call the customer was promised: the task stays open, back in the queue for
   * anyone, not offered before `nextTry` (an instant the contact policy allows), its due-by moved
   * with it. False when it is not an open desk task of the agent's for the customer.
   */
  async retryTask(
    manager: EntityManager,
    retry: { taskId: string; customerId: string; agentId: string; dispositionId: string; nextTry: Date; now: Date },
  ): Promise<boolean> {
    const row = await sqlOne<{ work_order_id: string }>(
      manager,
      `WITH retried AS (
         UPDATE work_orders t SET status = 'open', assignee_id = NULL, not_before = $5, attempts = t.attempts + 1,
                due_by = greatest(t.due_by, ${deskDueBy('$5::timestamptz', 't.kind')}),
                first_action_at = coalesce(t.first_action_at, $6), disposition_id = $4, updated_at = $6
          WHERE id = $1 AND customer_id = $2 AND queue = $7 AND closed_at IS NULL AND (assignee_id = $3 OR assignee_id IS NULL)
          RETURNING id)
       INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
       SELECT id, $6, $3, 'released', 'open', jsonb_build_object('outcome', 'no_answer', 'nextTry', $5::timestamptz) FROM retried
       RETURNING work_order_id`,
      [retry.taskId, retry.customerId, retry.agentId, retry.dispositionId, retry.nextTry, retry.now, DESK_QUEUE],
    );
    return Boolean(row);
  }

  /** Cancels the open desk tasks about these subjects (a payment made the call moot), with why; how many. */
  async cancelTasks(manager: EntityManager, subjects: string[], reason: Record<string, unknown>, now: Date): Promise<number> {
    const rows = await sql<{ work_order_id: string }>(
      manager,
      `WITH cancelled AS (
         UPDATE work_orders SET status = 'cancelled', closed_at = $3, updated_at = $3, reasons = reasons || jsonb_build_array($2::jsonb)
          WHERE subject_ref = ANY($1) AND queue = $4 AND closed_at IS NULL
          RETURNING id)
       INSERT INTO work_order_events (work_order_id, at, action, status, detail)
       SELECT id, $3, 'cancelled', 'cancelled', $2::jsonb FROM cancelled
       RETURNING work_order_id`,
      [subjects, JSON.stringify(reason), now, DESK_QUEUE],
    );
    return rows.length;
  }

  /** Holds the customer's open collection calls until `until` (a promise to pay's grace), their due-by with them. */
  async deferCollectionTasks(manager: EntityManager, customerId: string, until: Date, now: Date): Promise<void> {
    await sql(
      manager,
      `UPDATE work_orders t SET not_before = greatest(t.not_before, $2), updated_at = $3,
              due_by = greatest(t.due_by, ${deskDueBy('$2::timestamptz', 't.kind')})
        WHERE t.customer_id = $1 AND t.subject_ref ~ ${subjectRefPatternSql('collect')} AND t.queue = $4 AND t.closed_at IS NULL`,
      [customerId, until, now, DESK_QUEUE],
    );
  }

  /** Ops and supervisors see every order; an agent (`agentId`) the free ones of its queues and its own. */
  async list(filters: WorkOrderFilters, page: PageQuery, now: Date, agentId?: string): Promise<Page<WorkOrderView>> {
    const where = `($2::text IS NULL OR w.queue = $2) AND ($3::text IS NULL OR w.status = $3)
      AND ($4::text IS NULL OR w.severity = $4) AND ($5::uuid IS NULL OR w.customer_id = $5)
      AND ($6::boolean IS NULL OR (${breached('$1::timestamptz')}) = $6)
      AND ($7::uuid IS NULL OR w.assignee_id = $7
           OR (w.assignee_id IS NULL AND w.closed_at IS NULL
               AND w.queue IN (SELECT m.queue FROM work_queue_members m WHERE m.user_id = $7)))`;
    const params = [
      now,
      filters.queue ?? null,
      filters.status ?? null,
      filters.severity ?? null,
      filters.customerId ?? null,
      filters.breached ?? null,
      agentId ?? null,
    ];
    const [items, [{ total }]] = await Promise.all([
      sql<WorkOrderView>(
        this.db,
        `SELECT ${columns('$1')} FROM work_orders w WHERE ${where}
          ORDER BY w.closed_at IS NOT NULL, w.due_by, w.id LIMIT $8 OFFSET $9`,
        [...params, page.limit, page.offset],
      ),
      sql<TotalRow>(this.db, `SELECT count(*)::int AS total FROM work_orders w WHERE ${where}`, params),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async get(id: string, now: Date, manager: EntityManager = this.db.manager): Promise<WorkOrderView | undefined> {
    return sqlOne<WorkOrderView>(manager, `SELECT ${columns('$2')} FROM work_orders w WHERE w.id = $1`, [id, now]);
  }

  /** The order, locked until the transaction ends: the rules decide on what cannot change under them. */
  async lock(manager: EntityManager, id: string, now: Date): Promise<WorkOrderView | undefined> {
    return sqlOne<WorkOrderView>(manager, `SELECT ${columns('$2')} FROM work_orders w WHERE w.id = $1 FOR UPDATE`, [id, now]);
  }

  async history(id: string): Promise<WorkOrderEventView[]> {
    return sql<WorkOrderEventView>(
      this.db,
      `SELECT at, actor_id AS "actorId", action, status, detail FROM work_order_events WHERE work_order_id = $1 ORDER BY at, id`,
      [id],
    );
  }

  /** Whether the agent is staff of the queue (an agent works only its queues' orders). */
  async isMember(manager: EntityManager, queue: string, userId: string): Promise<boolean> {
    const row = await sqlOne<object>(manager, `SELECT 1 FROM work_queue_members WHERE queue = $1 AND user_id = $2`, [
      queue,
      userId,
    ]);
    return Boolean(row);
  }

  /**
   * Moves an order to `status` with its line in the history. The first thing staff do to it
   * stamps `first_action_at`; a closing status stamps `closed_at` and keeps outcome and note.
   */
  async transition(
    manager: EntityManager,
    change: {
      id: string;
      status: WorkOrderStatus;
      action: string;
      actorId: string;
      assigneeId: string | null;
      now: Date;
      outcome?: string;
      note?: string;
    },
  ): Promise<void> {
    const closing = change.status === 'resolved' || change.status === 'cancelled';
    await sql(
      manager,
      `WITH changed AS (
         UPDATE work_orders SET status = $2, assignee_id = $3, updated_at = $4,
                first_action_at = coalesce(first_action_at, $4),
                closed_at = CASE WHEN $5 THEN $4 END,
                outcome = coalesce($6, outcome), note = coalesce($7, note)
          WHERE id = $1 RETURNING id)
       INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
       SELECT id, $4, $8, $9, $2, jsonb_strip_nulls(jsonb_build_object('outcome', $6::text, 'note', $7::text)) FROM changed`,
      [
        change.id,
        change.status,
        change.assigneeId,
        change.now,
        closing,
        change.outcome ?? null,
        change.note ?? null,
        change.actorId,
        change.action,
      ],
    );
  }

  /** A note on the record without a change of status. */
  async note(manager: EntityManager, id: string, actorId: string, note: string, status: string, now: Date): Promise<void> {
    await sql(
      manager,
      `INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
       VALUES ($1, $2, $3, 'note', $4, jsonb_build_object('note', $5::text))`,
      [id, now, actorId, status, note],
    );
    await sql(manager, `UPDATE work_orders SET first_action_at = coalesce(first_action_at, $2), updated_at = $2 WHERE id = $1`, [
      id,
      now,
    ]);
  }

  /**
   * The most urgent open order nobody holds in the agent's queues (severity, then due-by), now
   * the agent's: the claim the desk uses too. The desk's calls are taken on the desk.
   */
  claimNext(agentId: string, now: Date): Promise<string | undefined> {
    return this.claim(
      agentId,
      now,
      `t.queue <> '${DESK_QUEUE}' AND t.queue IN (SELECT m.queue FROM work_queue_members m WHERE m.user_id = $1)`,
      `${SEVERITY_RANK.replace('w.severity', 't.severity')} DESC, t.due_by, t.id`,
    );
  }

  /** The outcome of the follow-up, on the customer's profile (read back by GET /customers/:id/outcomes). */
  async writeOutcomeToProfile(manager: EntityManager, customerId: string, outcome: string, now: Date): Promise<void> {
    await sql(manager, `UPDATE customers SET last_work_order_outcome = $2, last_work_order_at = $3 WHERE id = $1`, [
      customerId,
      outcome,
      now,
    ]);
  }

  daily(now: Date, from: Date, to: Date, zone: string): Promise<DailySla[]> {
    return dailySla(this.db, now, from, to, zone);
  }

  /**
   * Per queue and severity, for the orders opened in [from, to) and every order still open:
   * counts, share within SLA, percentiles of time to first action and to resolution (seconds).
   */
  async stats(now: Date, from: Date, to: Date): Promise<SlaFigures[]> {
    const rows = await sql<SlaFiguresRow>(
      this.db,
      `SELECT w.queue, w.severity,
              count(*) FILTER (WHERE w.opened_at >= $2 AND w.opened_at < $3)::int AS opened,
              count(*) FILTER (WHERE w.status = 'resolved')::int AS resolved,
              count(*) FILTER (WHERE w.status = 'resolved' AND w.closed_at <= w.due_by)::int AS "resolvedWithinSla",
              count(*) FILTER (WHERE w.status = 'resolved' OR (w.closed_at IS NULL AND w.due_by <= $1))::int AS decided,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM w.first_action_at - w.opened_at))
                FILTER (WHERE w.first_action_at IS NOT NULL) AS "p50FirstActionSeconds",
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM w.first_action_at - w.opened_at))
                FILTER (WHERE w.first_action_at IS NOT NULL) AS "p90FirstActionSeconds",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM w.closed_at - w.opened_at))
                FILTER (WHERE w.status = 'resolved') AS "p50ResolutionSeconds",
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM w.closed_at - w.opened_at))
                FILTER (WHERE w.status = 'resolved') AS "p90ResolutionSeconds",
              count(*) FILTER (WHERE w.closed_at IS NULL)::int AS "openNow",
              count(*) FILTER (WHERE w.closed_at IS NULL AND w.due_by <= $1)::int AS "breachedNow"
         FROM work_orders w
        WHERE (w.opened_at >= $2 AND w.opened_at < $3) OR w.closed_at IS NULL
        GROUP BY w.queue, w.severity
        ORDER BY w.queue, w.severity`,
      [now, from, to],
    );
    return rows.map(({ decided, ...row }) => ({
      ...row,
      withinSlaShare: decided ? row.resolvedWithinSla / decided : null,
      p50FirstActionSeconds: seconds(row.p50FirstActionSeconds),
      p90FirstActionSeconds: seconds(row.p90FirstActionSeconds),
      p50ResolutionSeconds: seconds(row.p50ResolutionSeconds),
      p90ResolutionSeconds: seconds(row.p90ResolutionSeconds),
    }));
  }
}

/** Day by day in `zone`, the orders opened in [from, to): how many, and how their SLA went. */
async function dailySla(db: DataSource, now: Date, from: Date, to: Date, zone: string): Promise<DailySla[]> {
  return sql<DailySla>(
    db,
    `SELECT to_char((w.opened_at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day, count(*)::int AS opened,
            count(*) FILTER (WHERE w.status = 'resolved' AND w.closed_at <= w.due_by)::int AS "withinSla",
            count(*) FILTER (WHERE (w.status = 'resolved' AND w.closed_at > w.due_by)
                                OR (w.closed_at IS NULL AND w.due_by <= $4))::int AS late
       FROM work_orders w
      WHERE w.opened_at >= $1 AND w.opened_at < $2
      GROUP BY 1 ORDER BY 1`,
    [from, to, zone, now],
  );
}

function seconds(value: number | string | null): number | null {
  return value === null ? null : Math.round(Number(value));
}
