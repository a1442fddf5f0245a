import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ListScope } from '../../auth/agent-access.service';
import { Page, PageQuery } from '../../common/pagination';

export const AGENT_TASK_PRIORITY = { fraud: 300 } as const;

/** Fraud first, then by when the call is due. */
export const QUEUE_ORDER = `t.priority DESC, coalesce(t.due_at, t.created_at), t.id`;

export interface NewAgentTask {
  customerId: string;
  kind: string;
  priority: number;
  subjectRef: string;
  createdAt: Date;
  /** Not offered before (a call back at the time agreed); absent, at once. */
  dueAt?: Date;
}

export interface AgentTaskView {
  id: string;
  customerId: string;
  kind: string;
  priority: number;
  subjectRef: string | null;
  status: 'open' | 'done';
  createdAt: Date;
}

const VIEW_COLUMNS = `t.id, t.customer_id AS "customerId", t.kind, t.priority, t.subject_ref AS "subjectRef", t.status, t.created_at AS "createdAt"`;

/** Work for a person (a call by the fraud team). The console builds on this; fraud comes first. */
@Injectable()
export class AgentTasksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** At most one open task per kind and subject: a retried escalation adds nothing. */
  async create(manager: EntityManager, task: NewAgentTask): Promise<void> {
    await manager.query(
      `INSERT INTO agent_tasks (customer_id, kind, priority, subject_ref, created_at, due_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (kind, subject_ref) WHERE status = 'open' DO NOTHING`,
      [task.customerId, task.kind, task.priority, task.subjectRef, task.createdAt, task.dueAt ?? null],
    );
  }

  /** In an agent's list scope: the open tasks free to take or its own, and the closed ones it took. */
  async list(status: 'open' | 'done', page: PageQuery, scope?: ListScope): Promise<Page<AgentTaskView>> {
    const where = `t.status = $1 AND ($2::uuid IS NULL OR t.taken_by = $2 OR (t.status = 'open' AND t.taken_by IS NULL))`;
    const filters = [status, scope?.heldBy ?? null];
    const [items, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT ${VIEW_COLUMNS} FROM agent_tasks t WHERE ${where} ORDER BY t.priority DESC, t.created_at, t.id LIMIT $3 OFFSET $4`,
        [...filters, page.limit, page.offset],
      ),
      this.db.query(`SELECT count(*)::int AS total FROM agent_tasks t WHERE ${where}`, filters),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /** The most urgent open task due by `now` that nobody has taken; two agents asking at once get two different tasks. */
  async takeNext(agentId: string, now: Date): Promise<AgentTaskView | undefined> {
    const [taken] = await this.db.query(
      `WITH next AS (
         SELECT t.id FROM agent_tasks t
          WHERE t.status = 'open' AND t.taken_by IS NULL AND coalesce(t.due_at, t.created_at) <= $2
          ORDER BY ${QUEUE_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED),
       taken AS (
         UPDATE agent_tasks t SET taken_by = $1, taken_at = $2, updated_at = $2 FROM next WHERE t.id = next.id RETURNING t.*)
       SELECT ${VIEW_COLUMNS} FROM taken t`,
      [agentId, now],
    );
    return taken;
  }

  /** Hands an open task the agent holds back to the queue, free for anyone to take; nothing otherwise. */
  async release(taskId: string, agentId: string, now: Date): Promise<AgentTaskView | undefined> {
    const [released] = await this.db.query(
      `WITH released AS (
         UPDATE agent_tasks SET taken_by = NULL, taken_at = NULL, updated_at = $3
          WHERE id = $1 AND status = 'open' AND taken_by = $2 RETURNING *)
       SELECT ${VIEW_COLUMNS} FROM released t`,
      [taskId, agentId, now],
    );
    return released;
  }

  /** Takes an open task nobody else holds; nothing when it is closed or another agent's. */
  async take(taskId: string, agentId: string, now: Date): Promise<AgentTaskView | undefined> {
    const [taken] = await this.db.query(
      `WITH taken AS (
         UPDATE agent_tasks SET taken_by = $2, taken_at = coalesce(taken_at, $3), updated_at = $3
          WHERE id = $1 AND status = 'open' AND (taken_by IS NULL OR taken_by = $2) RETURNING *)
       SELECT ${VIEW_COLUMNS} FROM taken t`,
      [taskId, agentId, now],
    );
    return taken;
  }
}
