import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CaseFacts, TaskFacts } from './agent-access.rules';

/** A call back's booking: the disposition that promised it (its agent, its purpose). */
const BOOKING_JOIN = `LEFT JOIN customer_dispositions d ON t.kind = 'call_back' AND t.subject_ref = 'callback:' || d.id`;

const TASK_FACTS = `t.id, t.customer_id AS "customerId", t.kind, t.subject_ref AS "subjectRef", t.status,
  t.taken_by AS "takenBy", d.agent_id AS "bookedBy", d.purpose AS "callBackPurpose"`;

/**
 * A work order (src/work-orders) is work for a person like an agent task: the agent holding one
 * may act on its customer, by the same rule (`holds`). Its facts: open while not closed, taken
 * by its assignee, covering no fraud case.
 */
const WORK_ORDER_FACTS = `w.id, w.customer_id AS "customerId", 'work_order' AS kind, NULL::text AS "subjectRef",
  CASE WHEN w.closed_at IS NULL THEN 'open' ELSE 'done' END AS status, w.assignee_id AS "takenBy",
  NULL::uuid AS "bookedBy", NULL::text AS "callBackPurpose"`;

/**
 * The tasks an agent holds, as SQL for lists (`$n` is the agent's id): the same rule as `holds`
 * in agent-access.rules.ts, which a test keeps it to. Columns: customer_id, subject_ref, kind, purpose.
 */
export const HELD_TASKS_SQL = (agentParam: string) =>
  `SELECT t.customer_id, t.subject_ref, t.kind, d.purpose
     FROM agent_tasks t ${BOOKING_JOIN}
    WHERE t.status = 'open'
      AND (t.taken_by = ${agentParam} OR (t.taken_by IS NULL AND t.kind = 'call_back' AND d.agent_id = ${agentParam}))
   UNION ALL
   SELECT w.customer_id, NULL, 'work_order', NULL FROM work_orders w
    WHERE w.closed_at IS NULL AND w.assignee_id = ${agentParam}`;

/** Customers an agent may see (`alias.id` among them): those of the tasks it holds. */
export const HELD_CUSTOMER_SQL = (customerIdColumn: string, agentParam: string) =>
  `${customerIdColumn} IN (SELECT h.customer_id FROM (${HELD_TASKS_SQL(agentParam)}) h)`;

/** Fraud cases an agent may see: those a task it holds covers (`coversCase`). */
export const HELD_CASE_SQL = (caseAlias: string, agentParam: string) =>
  `EXISTS (SELECT 1 FROM (${HELD_TASKS_SQL(agentParam)}) h
            WHERE h.customer_id = ${caseAlias}.customer_id
              AND (h.subject_ref = ${caseAlias}.id::text OR (h.kind = 'call_back' AND h.purpose = 'fraud')))`;

/** The facts object-level access decides on; reads only. */
@Injectable()
export class AgentAccessRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The customer's open tasks, and the named task whatever its customer or state. */
  async tasksFor(customerId: string, taskId?: string, manager: EntityManager = this.db.manager): Promise<TaskFacts[]> {
    return manager.query(
      `SELECT ${TASK_FACTS} FROM agent_tasks t ${BOOKING_JOIN}
        WHERE (t.customer_id = $1 AND t.status = 'open') OR t.id = $2
       UNION ALL
       SELECT ${WORK_ORDER_FACTS} FROM work_orders w WHERE w.customer_id = $1 AND w.closed_at IS NULL`,
      [customerId, taskId ?? null],
    );
  }

  async task(taskId: string, manager: EntityManager = this.db.manager): Promise<TaskFacts | undefined> {
    const [task] = await manager.query(`SELECT ${TASK_FACTS} FROM agent_tasks t ${BOOKING_JOIN} WHERE t.id = $1`, [taskId]);
    return task;
  }

  async fraudCase(caseId: string, manager: EntityManager = this.db.manager): Promise<CaseFacts | undefined> {
    const [found] = await manager.query(`SELECT id, customer_id AS "customerId" FROM fraud_cases WHERE id = $1`, [caseId]);
    return found;
  }
}
