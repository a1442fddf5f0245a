import { DateTime } from 'luxon';

export const WORK_ORDER_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];
export const CLOSED_STATUSES: readonly WorkOrderStatus[] = ['resolved', 'cancelled'];
export const WORK_ORDER_KINDS = ['alert', 'inbound_reply', 'complaint'] as const;
export type WorkOrderKind = (typeof WORK_ORDER_KINDS)[number];

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
