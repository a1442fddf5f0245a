import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ContactChannel, ContactPurpose, ContactTask, PURPOSE_PRIORITY, TaskReason, TaskStatus } from './contact-task.entity';
import { LocalWake } from './local-wake';
import { PRESENT_DISPATCHERS, presenceKey } from './presence';
import { sql } from '../database/sql';

/** Columns of a claimed task, as the dispatcher needs them. */
export type ClaimedTask = Pick<
  ContactTask,
  | 'id'
  | 'customerId'
  | 'campaignId'
  | 'step'
  | 'subjectRef'
  | 'purpose'
  | 'channel'
  | 'templateKey'
  | 'templateVersion'
  | 'variables'
  | 'priority'
  | 'attempts'
  | 'dueAt'
  | 'expiresAt'
  | 'condition'
  | 'previousTaskId'
>;

const CLAIMED_COLUMNS = `t.id, t.customer_id AS "customerId", t.campaign_id AS "campaignId", t.step,
  t.subject_ref AS "subjectRef", t.purpose, t.channel, t.template_key AS "templateKey",
  t.template_version AS "templateVersion", t.variables, t.priority, t.attempts, t.due_at AS "dueAt", t.expires_at AS "expiresAt",
  t.condition, t.previous_task_id AS "previousTaskId"`;

/** A contact to queue. Priority follows the purpose unless given; it is due now unless `dueAt` says otherwise. */
export interface NewTask {
  customerId: string;
  purpose: ContactPurpose;
  channel: ContactChannel;
  templateKey: string;
  variables?: Record<string, unknown>;
  subjectRef?: string;
  dueAt: Date;
  expiresAt?: Date;
  priority?: number;
}

/**
 * Urgent work (fraud alerts) has a lane of its own, so it never waits behind a paced campaign
 * batch that this instance is working through.
 */
export interface Lane {
  name: 'urgent' | 'bulk';
  minPriority: number;
  maxPriority: number;
}

const URGENT: Lane = { name: 'urgent', minPriority: PURPOSE_PRIORITY.fraud, maxPriority: 32767 };

export const LANES: Lane[] = [URGENT, { name: 'bulk', minPriority: -32768, maxPriority: PURPOSE_PRIORITY.fraud - 1 }];

const priorityOf = (task: NewTask) => task.priority ?? PURPOSE_PRIORITY[task.purpose];

export interface TaskOutcome {
  id: string;
  status: TaskStatus;
  reasons?: TaskReason[];
  /** For a task going back to `pending`: when to try again. */
  dueAt?: Date;
  /**
   * For the outcome of a send: the try it was (the task's `attempts` once opened). The task moves
   * only if it is still on that try — `sending`, or `unknown` after a reaper — never once it went
   * back to the queue and on to another.
   */
  attempt?: number;
}

/**
 * A flow's own steps are unique per subject (a reminder cycle, a debt, a card issue): queued again, skipped.
 * The prefixes stay literal: PostgreSQL infers the arbiter index from its predicate, written so in the migration.
 */
const FLOW_STEP_CONFLICT = `ON CONFLICT (subject_ref, step) WHERE subject_ref ~ '^(repay|collect|activate):' DO NOTHING`;

/**
 * `<alias>.status IN (…)` for a statement that finds its tasks by id, written so that no index on
 * status can serve it. Every task passes through `claimed` and `sending`, and each passage leaves
 * an entry in those indexes until the next vacuum. A planner that cannot see them walked them all
 * to find a batch the primary key finds at once: 20–40 ms a statement by the end of a 50,000-SMS
 * campaign, and growing with it.
 */
export function statusAmong(alias: string, ...statuses: TaskStatus[]): string {
  return `coalesce(${alias}.status, '') IN (${statuses.map((status) => `'${status}'`).join(', ')})`;
}

/** A claim whose holder is gone (`$1`: now). */
const VANISHED = `(lease_until < $1 OR ${presenceKey('claimed_by')} NOT IN (${PRESENT_DISPATCHERS}))`;

/** Tasks selected by a caller's query, for `enqueueSelected`. */
export interface TaskQuery {
  columns: (
    | 'customer_id'
    | 'campaign_id'
    | 'run_id'
    | 'step'
    | 'purpose'
    | 'channel'
    | 'template_key'
    | 'template_version'
    | 'variables'
    | 'subject_ref'
    | 'priority'
    | 'due_at'
    | 'expires_at'
    | 'condition'
    | 'previous_task_id'
  )[];
  select: string;
  params: unknown[];
  /** A flow's step already queued for its subject is skipped (the default: any unique key). */
  onConflict?: 'flow-step';
}

/** Which queued tasks an operation applies to. */
export type TaskSelection =
  { subjects: string[]; purpose?: ContactPurpose; templateKey?: string } | { campaigns: string[] } | { customers: string[] };

function selects(selection: TaskSelection, first: number): { where: string; params: unknown[] } {
  if ('campaigns' in selection) return { where: `t.campaign_id = ANY($${first}::uuid[])`, params: [selection.campaigns] };
  if ('customers' in selection) return { where: `t.customer_id = ANY($${first}::uuid[])`, params: [selection.customers] };
  const params: unknown[] = [selection.subjects];
  const where = [`t.subject_ref = ANY($${first}::text[])`];
  if (selection.purpose) where.push(`t.purpose = $${first + params.push(selection.purpose) - 1}`);
  if (selection.templateKey) where.push(`t.template_key = $${first + params.push(selection.templateKey) - 1}`);
  return { where: where.join(' AND '), params };
}

/**
 * The outbox: contact tasks in PostgreSQL, claimed with `FOR UPDATE SKIP LOCKED` under a lease so
 * that any number of dispatchers share the work and no two hold the same task.
 */
@Injectable()
export class OutboxRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    /** Absent where no dispatcher runs (the job CLI). */
    @Optional() private readonly wake?: LocalWake,
  ) {}

  /**
   * Due pending tasks of a lane, most urgent first; never a task of a campaign that is not running.
   * A retry goes before fresh work: it fires at its backoff time, not behind a campaign's backlog.
   * Retries due within `retryLeadMs` are claimed too, for the caller to hold until their time:
   * prepared ahead, they go at their backoff time rather than a claim and a preparation after it.
   * With `retriesOnly`, only retries are claimed.
   */
  async claim(
    worker: string,
    lane: Lane,
    limit: number,
    now: Date,
    leaseSeconds: number,
    { retriesOnly = false, retryLeadMs = 0 } = {},
  ): Promise<ClaimedTask[]> {
    const due = (which: string, until: string) => `
      SELECT t.id FROM contact_tasks t
       WHERE t.status = 'pending' AND ${which} AND t.due_at <= ${until} AND t.priority BETWEEN $5 AND $6
         AND (t.campaign_id IS NULL
              OR EXISTS (SELECT 1 FROM campaigns k WHERE k.id = t.campaign_id AND k.status = 'running'))
       ORDER BY t.priority DESC, t.due_at`;
    return sql<ClaimedTask>(
      this.db,
      `WITH retries AS (${due('t.attempts > 0', '$8')} LIMIT $2 FOR UPDATE OF t SKIP LOCKED),
       fresh AS (${due('t.attempts = 0', '$1')} LIMIT CASE WHEN $7 THEN 0 ELSE $2 - (SELECT count(*) FROM retries) END
                 FOR UPDATE OF t SKIP LOCKED),
       claimed AS (
         UPDATE contact_tasks t
            SET status = 'claimed', claimed_by = $3, lease_until = $1::timestamptz + make_interval(secs => $4), updated_at = now()
           FROM (SELECT id FROM retries UNION ALL SELECT id FROM fresh) due WHERE t.id = due.id
         RETURNING ${CLAIMED_COLUMNS})
       SELECT * FROM claimed`,
      [now, limit, worker, leaseSeconds, lane.minPriority, lane.maxPriority, retriesOnly, new Date(now.getTime() + retryLeadMs)],
    );
  }

  /**
   * Queues contacts for the dispatcher (flows: fraud alerts, reminders, follow-ups). In the
   * caller's transaction when given one, so a flow's state and its contacts commit together.
   * A due fraud task wakes the dispatchers at once: a trigger notifies them all, and this process's
   * own urgent lane hears it sooner, on commit (LocalWake).
   */
  async enqueue(tasks: NewTask[], manager: EntityManager = this.db.manager): Promise<string[]> {
    if (tasks.length === 0) return [];
    const rows = await sql<{ id: string }>(
      manager,
      `INSERT INTO contact_tasks (customer_id, purpose, channel, template_key, variables, subject_ref, due_at, expires_at, priority)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[],
                            $8::timestamptz[], $9::smallint[])
       RETURNING id`,
      [
        tasks.map((t) => t.customerId),
        tasks.map((t) => t.purpose),
        tasks.map((t) => t.channel),
        tasks.map((t) => t.templateKey),
        tasks.map((t) => JSON.stringify(t.variables ?? {})),
        tasks.map((t) => t.subjectRef ?? null),
        tasks.map((t) => t.dueAt),
        tasks.map((t) => t.expiresAt ?? null),
        tasks.map(priorityOf),
      ],
    );
    if (tasks.some((t) => priorityOf(t) >= URGENT.minPriority)) this.wake?.queued(manager);
    return rows.map((row) => row.id);
  }

  /**
   * Queues the tasks a caller's query selects, in one statement: set-based work (a campaign's
   * audience, a day's reminders) never loops over customers. `select` lists the columns named in
   * `columns`, in that order; a task that exists already (a unique key of the outbox says so) is
   * skipped. Returns how many were queued.
   */
  async enqueueSelected(manager: EntityManager, query: TaskQuery): Promise<number> {
    const [{ queued }] = await sql<{ queued: number }>(
      manager,
      `WITH queued AS (${insertTasks(query)})
       SELECT count(*)::int AS queued FROM queued`,
      query.params,
    );
    return queued;
  }

  /**
   * Takes back contacts that are no longer wanted — the customer paid, answered, activated the
   * card, the campaign was cancelled or ended — each marked with why. Only work not yet handed to
   * a provider: a pending task, and with `claimed` a claimed one too (its dispatcher will find it
   * gone and not send it). Returns how many were withdrawn.
   */
  async withdraw(
    manager: EntityManager,
    selection: TaskSelection,
    outcome: { status: 'cancelled' | 'expired'; reason?: TaskReason; claimed?: boolean },
  ): Promise<number> {
    const statuses = outcome.claimed ? ['pending', 'claimed'] : ['pending'];
    const { where, params } = selects(selection, 3);
    const [{ withdrawn }] = await sql<{ withdrawn: number }>(
      manager,
      `WITH withdrawn AS (
         UPDATE contact_tasks t
            SET status = $1, lease_until = NULL, claimed_by = NULL, updated_at = now(),
                reasons = CASE WHEN $2::jsonb IS NULL THEN t.reasons ELSE t.reasons || $2::jsonb END
          WHERE t.status = ANY($${params.length + 3}::text[]) AND ${where}
          RETURNING 1)
       SELECT count(*)::int AS withdrawn FROM withdrawn`,
      [outcome.status, outcome.reason ? JSON.stringify([outcome.reason]) : null, ...params, statuses],
    );
    return withdrawn;
  }

  /**
   * Holds a customer's pending contacts of a purpose until `until` (a promise to pay pauses
   * collections): they stay queued, due no earlier. Returns how many were held.
   */
  async holdUntil(
    manager: EntityManager,
    customerId: string,
    purpose: ContactPurpose,
    until: Date,
    reason: TaskReason,
  ): Promise<number> {
    const [{ held }] = await sql<{ held: number }>(
      manager,
      `WITH held AS (
         UPDATE contact_tasks
            SET due_at = greatest(due_at, $3), updated_at = now(), reasons = reasons || $4::jsonb
          WHERE customer_id = $1 AND purpose = $2 AND status = 'pending' AND due_at < $3
          RETURNING 1)
       SELECT count(*)::int AS held FROM held`,
      [customerId, purpose, until, JSON.stringify([reason])],
    );
    return held;
  }

  /**
   * Keeps alive the claims of the tasks this worker has in hand — and only those: work it gave up
   * on (a batch that failed, a write it could not make) is left to expire and be reaped. Only
   * leases ending before `renewBefore` are extended (a task marked sending a moment ago has a fresh
   * one), and a task another statement holds right now is skipped, not waited for: that statement
   * is moving it on (marking it sending, with a new lease, or settling it), and a renewal that
   * waited would, meanwhile, hold up every write to the tasks it had already locked.
   */
  async renewLeases(worker: string, taskIds: string[], until: Date, renewBefore: Date): Promise<void> {
    if (taskIds.length === 0) return;
    await sql(
      this.db,
      `UPDATE contact_tasks t SET lease_until = $3
         FROM (SELECT id FROM contact_tasks
                WHERE id = ANY($2::uuid[]) AND claimed_by = $1 AND ${statusAmong('contact_tasks', 'claimed', 'sending')} AND lease_until < $4
                  FOR UPDATE SKIP LOCKED) ending
        WHERE t.id = ending.id`,
      [worker, taskIds, until, renewBefore],
    );
  }

  /** Hands claimed tasks that were never sent back to the queue, as they were. */
  async release(worker: string, taskIds: string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await sql(
      this.db,
      `UPDATE contact_tasks t SET status = 'pending', lease_until = NULL, claimed_by = NULL, updated_at = now()
        WHERE t.id = ANY($2::uuid[]) AND t.claimed_by = $1 AND ${statusAmong('t', 'claimed')}`,
      [worker, taskIds],
    );
  }

  /**
   * Moves a batch of tasks in the dispatcher's hands on, each to its own fate, in one statement:
   * claimed tasks that will not be sent now, or the outcomes of sends (`attempt` set). A task
   * someone else settled meanwhile (cancelled, settled by a provider's callback, reconciled) keeps
   * that fate.
   */
  async settle(outcomes: TaskOutcome[], manager: EntityManager = this.db.manager): Promise<void> {
    if (outcomes.length === 0) return;
    await sql(
      manager,
      `WITH outcomes AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::int[]) AS o(id, status, due_at, reasons, attempt))
       ${settleTasksFrom('outcomes')}`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.dueAt ?? null),
        outcomes.map((o) => (o.reasons ? JSON.stringify(o.reasons) : null)),
        outcomes.map((o) => o.attempt ?? null),
      ],
    );
  }

  /**
   * Settles tasks left `unknown` once their fate is known (a provider's records, a callback), each
   * resolution added to the reasons that made it unknown. Returns the tasks it moved, as the
   * dispatcher knows them, with their customer's language (for a campaign's next step).
   */
  async resolveUnknown(
    manager: EntityManager,
    outcomes: TaskOutcome[],
  ): Promise<{ task: ClaimedTask; locale: string; status: TaskStatus }[]> {
    if (outcomes.length === 0) return [];
    const rows = await sql<ClaimedTask & { locale: string; status: TaskStatus }>(
      manager,
      `WITH resolved AS (
         UPDATE contact_tasks t
            SET status = o.status, due_at = coalesce(o.due_at, t.due_at), reasons = t.reasons || o.reasons,
                lease_until = NULL, claimed_by = NULL, updated_at = now()
           FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[]) AS o(id, status, due_at, reasons)
          WHERE t.id = o.id AND ${statusAmong('t', 'unknown')}
          RETURNING t.*)
       SELECT ${CLAIMED_COLUMNS}, t.status, c.locale FROM resolved t JOIN customers c ON c.id = t.customer_id`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.dueAt ?? null),
        outcomes.map((o) => JSON.stringify(o.reasons ?? [])),
      ],
    );
    return rows.map(({ locale, status, ...task }) => ({ task, locale, status }));
  }

  /**
   * A provider's report on a send settles its task where the dispatcher could not: left `sending`
   * (its sender died, or the report came before the provider's answer) or `unknown`. A message
   * the provider reports failed fails the task; any other report proves it went.
   */
  async settleByReport(manager: EntityManager, taskId: string, report: { status: string; providerCode?: string }): Promise<void> {
    const failed = report.status === 'failed' || report.status === 'canceled';
    const reason: TaskReason = failed
      ? { code: 'PROVIDER_REFUSED', providerStatus: report.status, providerCode: report.providerCode }
      : { code: 'SETTLED_BY_PROVIDER_REPORT' };
    await sql(
      manager,
      `UPDATE contact_tasks SET status = $2, reasons = reasons || $3::jsonb, lease_until = NULL, claimed_by = NULL, updated_at = now()
        WHERE id = $1 AND status IN ('sending', 'unknown')`,
      [taskId, failed ? 'failed' : 'sent', JSON.stringify([reason])],
    );
  }

  /**
   * Tasks whose dispatcher vanished: its lease ran out, or its presence lock is gone (its process
   * or its session died). A task only claimed goes back to the queue: nothing was sent.
   * A task caught `sending` may have reached the provider, so it and its attempt become `unknown`
   * for the status callback or the reconciler to settle — never a blind re-send. The caller's own
   * tasks in hand are not its to reap, however late their renewal (after a database outage).
   */
  async reapExpiredLeases(now: Date, inHand: string[] = []): Promise<{ requeued: number; unknown: number }> {
    return this.db.transaction(async (manager) => {
      // (A data-modifying CTE, so the driver hands back rows for every statement alike.)
      const requeued = await sql<{ id: string }>(
        manager,
        `WITH requeued AS (
           UPDATE contact_tasks SET status = 'pending', lease_until = NULL, claimed_by = NULL, updated_at = now()
            WHERE status = 'claimed' AND ${VANISHED} AND id <> ALL($2::uuid[]) RETURNING id)
         SELECT id FROM requeued`,
        [now, inHand],
      );
      const lost = await sql<{ id: string }>(
        manager,
        `WITH lost AS (
           UPDATE contact_tasks
              SET status = 'unknown', lease_until = NULL, claimed_by = NULL, updated_at = now(),
                  reasons = reasons || '[{"code": "SENDER_LOST_MID_SEND"}]'::jsonb
            WHERE status = 'sending' AND ${VANISHED} AND id <> ALL($2::uuid[]) RETURNING id)
         SELECT id FROM lost`,
        [now, inHand],
      );
      if (lost.length) {
        await sql(
          manager,
          `UPDATE contact_attempts
              SET status = 'unknown', updated_at = now(),
                  detail = 'the dispatcher stopped between the provider call and recording its answer'
            WHERE task_id = ANY($1) AND status = 'pending'`,
          [lost.map((t) => t.id)],
        );
      }
      return { requeued: requeued.length, unknown: lost.length };
    });
  }
}

/**
 * The statement behind `enqueueSelected`, composable into a larger one; returns a row per task
 * queued.
 */
export function insertTasks(query: Omit<TaskQuery, 'params'>): string {
  const conflict = query.onConflict === 'flow-step' ? FLOW_STEP_CONFLICT : 'ON CONFLICT DO NOTHING';
  return `INSERT INTO contact_tasks (${query.columns.join(', ')})
          ${query.select}
          ${conflict}
          RETURNING 1`;
}

/**
 * The statement behind `settle`, for the outcomes in relation `outcomes` (id, status, due_at,
 * reasons, attempt), composable into a larger one.
 */
export function settleTasksFrom(outcomes: string): string {
  return `UPDATE contact_tasks t
     SET status = o.status,
         due_at = coalesce(o.due_at, t.due_at),
         reasons = coalesce(o.reasons, t.reasons),
         lease_until = CASE WHEN o.status IN ('claimed', 'sending') THEN t.lease_until END,
         claimed_by = CASE WHEN o.status IN ('claimed', 'sending') THEN t.claimed_by END,
         updated_at = now()
    FROM ${outcomes} o
   WHERE t.id = o.id
     AND CASE WHEN o.attempt IS NULL THEN t.status = 'claimed'
              ELSE t.status IN ('sending', 'unknown') AND t.attempts = o.attempt END`;
}
