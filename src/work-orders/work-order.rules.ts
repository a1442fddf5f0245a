import { DateTime } from 'luxon';

export const WORK_ORDER_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export const CLOSED_STATUSES: readonly WorkOrderStatus[] = ['resolved', 'cancelled'];
/**
 * The agent desk's calls are work orders too (one table, one claim): a fraud verification call, the
 * next-steps call after a confirmed fraud, a call back an agent booked, a later collection
 * bucket's call (LATER_BUCKETS in contact-plan.ts; a test keeps the two lists together).
 */
export const DESK_KINDS = [
  'fraud_verification',
  'fraud_confirmed',
  'call_back',
  'collections-dpd-31',
  'collections-dpd-61',
  'collections-dpd-91',
] as const;
export type DeskKind = (typeof DESK_KINDS)[number];
export const WORK_ORDER_KINDS = ['alert', 'inbound_reply', 'complaint', ...DESK_KINDS] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];

/** The queue the desk's calls are on: every agent's, by role (no membership to keep). */
export const DESK_QUEUE = 'agent-desk';

export const isDeskKind = (kind: string): kind is DeskKind => (DESK_KINDS as readonly string[]).includes(kind);

/**
 * Minutes from when a desk call may be made to its due-by: a fraud customer was told "our fraud
 * team will call you shortly"; a call back was promised for a time; a collection call has the day.
 */
export function deskSlaMinutes(kind: string): number {
  if (kind === 'fraud_verification') return 60;
  if (kind === 'fraud_confirmed') return 240;
  if (kind === 'call_back') return 30;
  return 1440;
}

/** How urgent a desk call is, for the SLA figures beside the queues' orders: fraud's rank is high. */
export const deskSeverity = (priority: number) => (priority >= 300 ? 'high' : 'medium');

/** What the desk call is, in the order's summary (staff lists, notifications). */
export function deskSummary(kind: string): string {
  if (kind === 'fraud_verification') return 'Fraud verification call';
  if (kind === 'fraud_confirmed') return 'Fraud confirmed: next steps call';
  if (kind === 'call_back') return 'Call back';
  return 'Collections call';
}

/** What someone does to a work order; each is one entry in its history. */
export type WorkOrderAction = 'claim' | 'release' | 'wait' | 'resume' | 'resolve' | 'cancel';

/** The status each action leads to, from the statuses it is allowed in. */
const TRANSITIONS: Record<WorkOrderAction, Partial<Record<WorkOrderStatus, WorkOrderStatus>>> = {
  claim: { open: 'in_progress' },
  release: { in_progress: 'open', waiting_on_customer: 'open' },
  wait: { in_progress: 'waiting_on_customer' },
  resume: { waiting_on_customer: 'in_progress' },
  resolve: { in_progress: 'resolved', waiting_on_customer: 'resolved' },
  cancel: { open: 'cancelled', in_progress: 'cancelled', waiting_on_customer: 'cancelled' },
};

/** The people a work order involves, as the rules see them. */
export interface OrderFacts {
  status: WorkOrderStatus;
  assigneeId: string | null;
}

export interface Actor {
  userId: string;
  /** Supervisors (ops, campaign manager, admin) act on any order; agents only on the ones they hold. */
  supervisor: boolean;
}

export type TransitionDecision =
  | { allowed: true; to: WorkOrderStatus }
  | { allowed: false; code: 'WORK_ORDER_BAD_TRANSITION' | 'WORK_ORDER_NOT_YOURS'; reason: string };

/**
 * May the actor do this to the order, and what does it become? A claim takes an open order
 * nobody holds; everything else an agent does is on an order it holds. Only a supervisor
 * cancels, and may act on any order (resolving one an agent holds, say, when the agent is away).
 */
export function decideTransition(order: OrderFacts, action: WorkOrderAction, actor: Actor): TransitionDecision {
  const to = TRANSITIONS[action][order.status];
  if (!to)
    return { allowed: false, code: 'WORK_ORDER_BAD_TRANSITION', reason: `cannot ${action} an order that is ${order.status}` };
  if (action === 'cancel' && !actor.supervisor) {
    return { allowed: false, code: 'WORK_ORDER_NOT_YOURS', reason: 'only a supervisor cancels a work order' };
  }
  if (action !== 'claim' && !actor.supervisor && order.assigneeId !== actor.userId) {
    return { allowed: false, code: 'WORK_ORDER_NOT_YOURS', reason: 'this is not a work order you hold' };
  }
  return { allowed: true, to };
}

export type SlaStage = 'within' | 'near_breach' | 'breached';

/**
 * Where an open order stands against its SLA at `now`: near breach once `nearShare` of the time
 * from opening to due-by has passed, breached at due-by.
 */
export function slaStage(order: { openedAt: Date; dueBy: Date }, now: Date, nearShare: number): SlaStage {
  const t = now.getTime();
  if (t >= order.dueBy.getTime()) return 'breached';
  const near = order.openedAt.getTime() + (order.dueBy.getTime() - order.openedAt.getTime()) * nearShare;
  return t >= near ? 'near_breach' : 'within';
}

/** A local time-of-day range; it may run over midnight (22:00–08:00). */
export interface QuietHours {
  start: string;
  end: string;
  timezone: string;
}

/**
 * The first instant from `now` outside the staff's quiet hours: `now` itself when outside. A
 * message to a person's phone or mailbox waits until then; a console notification does not.
 */
export function nextStaffInstant(now: Date, quiet: QuietHours | undefined): Date {
  if (!quiet || quiet.start === quiet.end) return now;
  const local = DateTime.fromJSDate(now, { zone: quiet.timezone });
  const at = (day: DateTime, hhmm: string) => {
    const [hour, minute] = hhmm.split(':').map(Number);
    return day.set({ hour, minute, second: 0, millisecond: 0 });
  };
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const nowMinutes = local.hour * 60 + local.minute;
  const [start, end] = [minutes(quiet.start), minutes(quiet.end)];
  const overnight = start > end;
  const inQuiet = overnight ? nowMinutes >= start || nowMinutes < end : nowMinutes >= start && nowMinutes < end;
  if (!inQuiet) return now;
  const day = overnight && nowMinutes >= start ? local.plus({ days: 1 }) : local;
  return at(day, quiet.end).toJSDate();
}

/** How a follow-up ended, as staff record it (and the profile keeps it). `condition_cleared`: the alert's rule, not a person. */
export const WORK_ORDER_OUTCOMES = [
  'resolved_with_customer',
  'no_action_needed',
  'payment_arranged',
  'card_blocked',
  'fraud_confirmed',
  'complaint_upheld',
  'complaint_rejected',
  'customer_unreachable',
  'referred_to_collections',
] as const;
export type WorkOrderOutcome = (typeof WORK_ORDER_OUTCOMES)[number];

/** The desk's calls the customer was promised: the SMS said "our fraud team will call you", or an agent booked the time. */
const PROMISED_KINDS: readonly string[] = ['fraud_verification', 'fraud_confirmed', 'call_back'];

/** A promised call unanswered is tried again this long after, or at the policy's next allowed instant when later. */
export const NO_ANSWER_RETRY_MINUTES = 30;
/** Tries in all before "no answer" closes a promised call (the customer is then written to, not rung forever). */
export const PROMISED_CALL_TRIES = 3;

export interface DeskTaskFacts {
  kind: string;
  subjectRef: string | null;
  /** Earlier "no answer"s that booked a retry. */
  attempts: number;
}

/**
 * What a disposition does to the desk task it was recorded through:
 * - `keep`: fraud confirmed on the case's verification call — the task becomes the next-steps
 *   follow-up, with the agent still on the line (one task per customer and case, not a second);
 * - `retry`: no answer on a promised call — back in the queue for the next try the policy allows;
 * - `close`: anything else, and a promised call tried PROMISED_CALL_TRIES times.
 */
export function deskTaskAfter(task: DeskTaskFacts, code: string, caseId?: string): 'keep' | 'retry' | 'close' {
  if (code === 'fraud_confirmed' && task.kind === 'fraud_verification' && caseId !== undefined && task.subjectRef === caseId)
    return 'keep';
  if (code === 'no_answer' && PROMISED_KINDS.includes(task.kind) && task.attempts + 1 < PROMISED_CALL_TRIES) return 'retry';
  return 'close';
}
