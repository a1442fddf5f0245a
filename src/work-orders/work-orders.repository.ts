import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Page, PageQuery } from '../common/pagination';
import { WorkOrderKind, WorkOrderStatus } from './work-order.rules';

/** Runs one statement and gives its rows: a TypeORM manager's `query`, or a pg client's wrapped. */
export type Sql = (text: string, params?: unknown[]) => Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const sqlOf =
  (manager: EntityManager): Sql =>
  (text, params) =>
    manager.query(text, params);

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

  /** Opens an order outside an alert; undefined when its source opened one already. */
  async open(manager: EntityManager, order: NewWorkOrder, now: Date): Promise<string | undefined> {
    const [row] = await manager.query(
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
      this.db.query(
        `SELECT ${columns('$1')} FROM work_orders w WHERE ${where}
          ORDER BY w.closed_at IS NOT NULL, w.due_by, w.id LIMIT $8 OFFSET $9`,
        [...params, page.limit, page.offset],
      ),
      this.db.query(`SELECT count(*)::int AS total FROM work_orders w WHERE ${where}`, params),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async get(id: string, now: Date, manager: EntityManager = this.db.manager): Promise<WorkOrderView | undefined> {
    const [row] = await manager.query(`SELECT ${columns('$2')} FROM work_orders w WHERE w.id = $1`, [id, now]);
    return row;
  }

  /** The order, locked until the transaction ends: the rules decide on what cannot change under them. */
  async lock(manager: EntityManager, id: string, now: Date): Promise<WorkOrderView | undefined> {
    const [row] = await manager.query(`SELECT ${columns('$2')} FROM work_orders w WHERE w.id = $1 FOR UPDATE`, [id, now]);
    return row;
  }

  async history(id: string): Promise<WorkOrderEventView[]> {
    return this.db.query(
      `SELECT at, actor_id AS "actorId", action, status, detail FROM work_order_events WHERE work_order_id = $1 ORDER BY at, id`,
      [id],
    );
  }

  /** Whether the agent is staff of the queue (an agent works only its queues' orders). */
  async isMember(manager: EntityManager, queue: string, userId: string): Promise<boolean> {
    const [row] = await manager.query(`SELECT 1 FROM work_queue_members WHERE queue = $1 AND user_id = $2`, [queue, userId]);
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
    await manager.query(
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
    await manager.query(
      `INSERT INTO work_order_events (work_order_id, at, actor_id, action, status, detail)
       VALUES ($1, $2, $3, 'note', $4, jsonb_build_object('note', $5::text))`,
      [id, now, actorId, status, note],
    );
    await manager.query(`UPDATE work_orders SET first_action_at = coalesce(first_action_at, $2), updated_at = $2 WHERE id = $1`, [
      id,
      now,
    ]);
  }

  /**
   * The most urgent open order nobody holds in the agent's queues, now the agent's (in
   * progress): the claim agent tasks use (`FOR UPDATE SKIP LOCKED`), so two agents asking at once
   * get two different orders.
   */
  async claimNext(agentId: string, now: Date): Promise<string | undefined> {
    const [row] = await this.db.query(
      `WITH next AS (
         SELECT w.id FROM work_orders w
          WHERE w.status = 'open' AND w.assignee_id IS NULL
            AND w.queue IN (SELECT m.queue FROM work_queue_members m WHERE m.user_id = $1)
          ORDER BY ${SEVERITY_RANK} DESC, w.due_by, w.id LIMIT 1 FOR UPDATE SKIP LOCKED),
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

  /** The outcome of the follow-up, on the customer's profile (read back by GET /customers/:id/outcomes). */
  async writeOutcomeToProfile(manager: EntityManager, customerId: string, outcome: string, now: Date): Promise<void> {
    await manager.query(`UPDATE customers SET last_work_order_outcome = $2, last_work_order_at = $3 WHERE id = $1`, [
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
    const rows = await this.db.query(
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
    return rows.map(({ decided, ...row }: SlaFigures & { decided: number }) => ({
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
  return db.query(
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
