import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DESK_QUEUE } from '../work-orders/work-order.rules';
import { CaseFacts, TaskFacts } from './agent-access.rules';
import { sql, sqlOne } from '../database/sql';
import { subjectRefSql } from '../common/subject-ref';

/** A call back's booking: the disposition that promised it (its agent, its purpose). */
const BOOKING_JOIN = `LEFT JOIN customer_dispositions d ON t.kind = 'call_back' AND t.subject_ref = ${subjectRefSql('callback', 'd.id')}`;

/**
 * Every piece of work for a person is a work order (src/work-orders owns the table): the agent
 * desk's calls (queue `agent-desk`) and the queues' orders alike. The agent holding one may act on
 * its customer, by one rule (`holds`); open while not closed, taken by its assignee.
 */
const TASK_FACTS = `t.id, t.customer_id AS "customerId", t.kind, t.subject_ref AS "subjectRef",
  CASE WHEN t.closed_at IS NULL THEN 'open' ELSE 'done' END AS status,
  t.assignee_id AS "takenBy", d.agent_id AS "bookedBy", d.purpose AS "callBackPurpose"`;

/**
 * The tasks an agent holds, as SQL for lists (`$n` is the agent's id): the same rule as `holds`
 * in agent-access.rules.ts, which a test keeps it to. Columns: customer_id, subject_ref, kind, purpose.
 */
export const HELD_TASKS_SQL = (agentParam: string) =>
  `SELECT t.customer_id, t.subject_ref, t.kind, d.purpose
     FROM work_orders t ${BOOKING_JOIN}
    WHERE t.closed_at IS NULL
      AND (t.assignee_id = ${agentParam} OR (t.assignee_id IS NULL AND t.kind = 'call_back' AND d.agent_id = ${agentParam}))`;

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
    return sql<TaskFacts>(
      manager,
      `SELECT ${TASK_FACTS} FROM work_orders t ${BOOKING_JOIN}
        WHERE (t.customer_id = $1 AND t.closed_at IS NULL) OR t.id = $2`,
      [customerId, taskId ?? null],
    );
  }

  /** A task of the agent desk (its calls); a queue's order is worked on the work-order pages, not here. */
  async task(taskId: string, manager: EntityManager = this.db.manager): Promise<TaskFacts | undefined> {
    return sqlOne<TaskFacts>(
      manager,
      `SELECT ${TASK_FACTS} FROM work_orders t ${BOOKING_JOIN} WHERE t.id = $1 AND t.queue = $2`,
      [taskId, DESK_QUEUE],
    );
  }

  async fraudCase(caseId: string, manager: EntityManager = this.db.manager): Promise<CaseFacts | undefined> {
    return sqlOne<CaseFacts>(manager, `SELECT id, customer_id AS "customerId" FROM fraud_cases WHERE id = $1`, [caseId]);
  }
}
