import { Principal, Role } from './role';

/**
 * Object-level access: an agent acts on a customer only through a task it holds, and on a fraud
 * case only through that case's task. One rule for the API and the console (AgentAccessService
 * feeds it the facts; `HELD_TASKS_SQL` is the same rule for lists, held to this one by a test).
 * Other roles are not scoped here: their routes' roles say what they may do.
 */
export const SCOPED_ROLES: readonly Role[] = ['agent'];

export const isScoped = (actor: Pick<Principal, 'role'>): boolean => SCOPED_ROLES.includes(actor.role);

/** Refusals, each a stable code: 403s, audited, with the sentence the caller reads. */
export const ACCESS_REFUSALS = {
  NOT_YOUR_TASK: 'this is not an open task you hold',
  NOT_YOUR_CUSTOMER: 'you hold no open task for this customer',
  NOT_YOUR_CASE: 'this fraud case is not the case of a task you hold for its customer',
} as const;
export type AccessRefusalCode = keyof typeof ACCESS_REFUSALS;

/** Not a refusal of the person but of the moment: the task is closed (409). */
export const TASK_NOT_OPEN = 'AGENT_TASK_NOT_OPEN';

/** What the rule needs to know of an agent task. */
export interface TaskFacts {
  id: string;
  customerId: string;
  kind: string;
  subjectRef: string | null;
  status: string;
  takenBy: string | null;
  /** A call back: the agent whose disposition booked it. */
  bookedBy: string | null;
  /** A call back: the purpose of the call it continues (`fraud`, `collections`, …). */
  callBackPurpose: string | null;
}

export interface CaseFacts {
  id: string;
  customerId: string;
}

export type AccessDecision =
  { allowed: true; task?: TaskFacts } | { allowed: false; code: AccessRefusalCode | typeof TASK_NOT_OPEN; reason: string };

const refuse = (code: AccessRefusalCode): AccessDecision => ({ allowed: false, code, reason: ACCESS_REFUSALS[code] });

/**
 * An agent holds an open task it has taken, and an open call back it booked that nobody has
 * taken (the call it promised is its own until a colleague takes it over).
 */
export function holds(task: TaskFacts, agentId: string): boolean {
  if (task.status !== 'open') return false;
  if (task.takenBy !== null) return task.takenBy === agentId;
  return task.kind === 'call_back' && task.bookedBy === agentId;
}

/** A task is the way to a fraud case when it is that case's task, or a fraud call back for the case's customer. */
export function coversCase(task: TaskFacts, fraudCase: CaseFacts): boolean {
  if (task.customerId !== fraudCase.customerId) return false;
  return task.subjectRef === fraudCase.id || (task.kind === 'call_back' && task.callBackPurpose === 'fraud');
}

export interface CustomerAccess {
  customerId: string;
  /** The task the request names (a disposition's `agentTaskId`). */
  taskId?: string;
  /** The fraud case the request settles, as found (undefined: none named; null: named but absent). */
  fraudCase?: CaseFacts | null;
}

/**
 * May the actor act on the customer (and the named task and case)? `tasks` are the customer's
 * open tasks and the named one. The task allowed through is returned: the one named, or the one
 * covering the case, or any the agent holds for the customer.
 */
export function decideCustomerAccess(actor: Principal, request: CustomerAccess, tasks: readonly TaskFacts[]): AccessDecision {
  if (!isScoped(actor)) return { allowed: true };
  let candidates: TaskFacts[];
  if (request.taskId !== undefined) {
    const named = tasks.find((t) => t.id === request.taskId);
    if (!named || named.customerId !== request.customerId) return refuse('NOT_YOUR_TASK');
    if (named.status !== 'open' && named.takenBy === actor.userId) {
      return { allowed: false, code: TASK_NOT_OPEN, reason: `this task is ${named.status}` };
    }
    if (!holds(named, actor.userId)) return refuse('NOT_YOUR_TASK');
    candidates = [named];
  } else {
    candidates = tasks.filter((t) => t.customerId === request.customerId && holds(t, actor.userId));
    if (candidates.length === 0) return refuse('NOT_YOUR_CUSTOMER');
  }
  if (request.fraudCase === undefined) return { allowed: true, task: candidates[0] };
  const { fraudCase } = request;
  const covering = fraudCase ? candidates.find((t) => coversCase(t, fraudCase)) : undefined;
  // A case of another customer, or none at all, reads the same: the agent learns nothing.
  if (!covering || fraudCase!.customerId !== request.customerId) return refuse('NOT_YOUR_CASE');
  return { allowed: true, task: covering };
}

/** May the actor work a task (open its page, call, record the outcome)? Admins may open any open task. */
export function decideTaskAccess(actor: Principal, task: TaskFacts): AccessDecision {
  const mine = !isScoped(actor) || holds(task, actor.userId);
  if (task.status !== 'open' && (mine || task.takenBy === actor.userId)) {
    return { allowed: false, code: TASK_NOT_OPEN, reason: `this task is ${task.status}` };
  }
  return mine ? { allowed: true, task } : refuse('NOT_YOUR_TASK');
}

/** May the actor take the task? Only an open one nobody else has taken. */
export function decideTake(agentId: string, task: TaskFacts): AccessDecision {
  if (task.status !== 'open') return { allowed: false, code: TASK_NOT_OPEN, reason: `this task is ${task.status}` };
  if (task.takenBy !== null && task.takenBy !== agentId) return refuse('NOT_YOUR_TASK');
  return { allowed: true, task };
}

/** May the actor read the fraud case? `tasks` are the open tasks of the case's customer. */
export function decideCaseAccess(actor: Principal, fraudCase: CaseFacts, tasks: readonly TaskFacts[]): AccessDecision {
  if (!isScoped(actor)) return { allowed: true };
  const covering = tasks.find((t) => holds(t, actor.userId) && coversCase(t, fraudCase));
  return covering ? { allowed: true, task: covering } : refuse('NOT_YOUR_CASE');
}
