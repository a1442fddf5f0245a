import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Page, PageQuery } from '../../common/pagination';

export const AGENT_TASK_PRIORITY = { fraud: 300 } as const;

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

  async list(status: 'open' | 'done', page: PageQuery): Promise<Page<AgentTaskView>> {
    const [items, [{ total }]] = await Promise.all([
      this.db.query(
        `SELECT id, customer_id AS "customerId", kind, priority, subject_ref AS "subjectRef", status, created_at AS "createdAt"
           FROM agent_tasks WHERE status = $1 ORDER BY priority DESC, created_at, id LIMIT $2 OFFSET $3`,
        [status, page.limit, page.offset],
      ),
      this.db.query(`SELECT count(*)::int AS total FROM agent_tasks WHERE status = $1`, [status]),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }
}
