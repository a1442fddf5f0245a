import { HttpStatus, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/domain-error';
import { AgentAccessRepository } from './agent-access.repository';
import {
  AccessDecision,
  decideCaseAccess,
  decideCustomerAccess,
  decideTake,
  decideTaskAccess,
  isScoped,
  TaskFacts,
} from './agent-access.rules';
import { Principal } from './role';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The scope a list is read in: an agent's lists hold only the customers and cases of its tasks. */
export interface ListScope {
  heldBy: string;
}

/** A scoped actor's list scope; none for the roles that read every row. */
export const listScopeOf = (actor: Principal): ListScope | undefined => (isScoped(actor) ? { heldBy: actor.userId } : undefined);

/** A refusal by object-level access: 403 (or 409 for a closed task) with the rule's code; the audit keeps it. */
export class AccessRefusedError extends DomainError {
  constructor(code: string, reason: string) {
    super(code, reason, code === 'AGENT_TASK_NOT_OPEN' ? HttpStatus.CONFLICT : HttpStatus.FORBIDDEN);
  }
}

function enforce(decision: AccessDecision): TaskFacts | undefined {
  if (!decision.allowed) throw new AccessRefusedError(decision.code, decision.reason);
  return decision.task;
}

function uuid(value: string, field: string): string {
  if (!UUID.test(value)) throw new ValidationFailedError([{ field, reason: 'must be a UUID' }]);
  return value.toLowerCase();
}

/**
 * The one object-level check, for the API (routes declare `@AgentScope`, services call it inside
 * their transaction) and the console's agent desk alike. See agent-access.rules.ts.
 */
@Injectable()
export class AgentAccessService {
  constructor(private readonly facts: AgentAccessRepository) {}

  /**
   * The actor may act on the customer — through the named task, and on the named fraud case —
   * or this throws. Returns the task the agent acts through (none for unscoped roles).
   */
  async assertCustomer(
    actor: Principal,
    customerId: string,
    named: { taskId?: string; caseId?: string } = {},
    manager?: EntityManager,
  ): Promise<TaskFacts | undefined> {
    if (!isScoped(actor)) return undefined;
    const id = uuid(customerId, 'id');
    const taskId = named.taskId === undefined ? undefined : uuid(named.taskId, 'agentTaskId');
    const caseId = named.caseId === undefined ? undefined : uuid(named.caseId, 'caseId');
    const [tasks, fraudCase] = await Promise.all([
      this.facts.tasksFor(id, taskId, manager),
      caseId === undefined ? undefined : this.facts.fraudCase(caseId, manager).then((found) => found ?? null),
    ]);
    return enforce(decideCustomerAccess(actor, { customerId: id, taskId, fraudCase }, tasks));
  }

  /** The task, if the actor may work it (an agent: only one it holds); 404 if there is none. */
  async assertTask(actor: Principal, taskId: string, manager?: EntityManager): Promise<TaskFacts> {
    const task = await this.facts.task(uuid(taskId, 'id'), manager);
    if (!task) throw new NotFoundError('agent task', taskId);
    return enforce(decideTaskAccess(actor, task))!;
  }

  /** Before taking a task: it must be open and nobody else's. */
  async assertTakeable(agentId: string, taskId: string): Promise<void> {
    const task = await this.facts.task(uuid(taskId, 'id'));
    if (!task) throw new NotFoundError('agent task', taskId);
    enforce(decideTake(agentId, task));
  }

  /** The actor may read the fraud case (an agent: only through a task it holds), or this throws. */
  async assertFraudCase(actor: Principal, caseId: string): Promise<void> {
    if (!isScoped(actor)) return;
    const fraudCase = await this.facts.fraudCase(uuid(caseId, 'id'));
    // An agent learns nothing of cases it does not hold, not even that they exist.
    const tasks = fraudCase ? await this.facts.tasksFor(fraudCase.customerId) : [];
    enforce(decideCaseAccess(actor, fraudCase ?? { id: caseId, customerId: '' }, tasks));
  }
}
