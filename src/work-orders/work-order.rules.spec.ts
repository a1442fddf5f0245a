import { LATER_BUCKETS } from '../flows/repayment/contact-plan';
import { decideTransition, deskTaskAfter, isDeskKind, nextStaffInstant, PROMISED_CALL_TRIES, slaStage } from './work-order.rules';

const agent = { userId: 'agent-1', supervisor: false };
const supervisor = { userId: 'lead', supervisor: true };

describe('decideTransition', () => {
  it('lets an agent claim an open order and work the one it holds', () => {
    expect(decideTransition({ status: 'open', assigneeId: null }, 'claim', agent)).toEqual({ allowed: true, to: 'in_progress' });
    const held = { status: 'in_progress' as const, assigneeId: 'agent-1' };
    expect(decideTransition(held, 'wait', agent)).toEqual({ allowed: true, to: 'waiting_on_customer' });
    expect(decideTransition(held, 'resolve', agent)).toEqual({ allowed: true, to: 'resolved' });
    expect(decideTransition({ status: 'waiting_on_customer', assigneeId: 'agent-1' }, 'resume', agent)).toEqual({
      allowed: true,
      to: 'in_progress',
    });
  });

  it('refuses an agent an order another holds, and cancelling at all', () => {
    const theirs = { status: 'in_progress' as const, assigneeId: 'agent-2' };
    expect(decideTransition(theirs, 'resolve', agent)).toMatchObject({ allowed: false, code: 'WORK_ORDER_NOT_YOURS' });
    expect(decideTransition({ status: 'open', assigneeId: null }, 'cancel', agent)).toMatchObject({
      allowed: false,
      code: 'WORK_ORDER_NOT_YOURS',
    });
    expect(decideTransition(theirs, 'cancel', supervisor)).toEqual({ allowed: true, to: 'cancelled' });
  });

  it('refuses what the status does not allow, naming the status', () => {
    expect(decideTransition({ status: 'in_progress', assigneeId: 'x' }, 'claim', agent)).toEqual({
      allowed: false,
      code: 'WORK_ORDER_BAD_TRANSITION',
      reason: 'cannot claim an order that is in_progress',
    });
    expect(decideTransition({ status: 'resolved', assigneeId: 'agent-1' }, 'resolve', agent)).toMatchObject({
      code: 'WORK_ORDER_BAD_TRANSITION',
    });
    expect(decideTransition({ status: 'open', assigneeId: null }, 'resolve', supervisor)).toMatchObject({
      code: 'WORK_ORDER_BAD_TRANSITION',
    });
  });
});

describe('slaStage', () => {
  const order = { openedAt: new Date('2026-12-01T00:00:00Z'), dueBy: new Date('2026-12-01T04:00:00Z') };
  it('is within, then near breach at the share, then breached at due-by', () => {
    expect(slaStage(order, new Date('2026-12-01T02:59:59Z'), 0.75)).toBe('within');
    expect(slaStage(order, new Date('2026-12-01T03:00:00Z'), 0.75)).toBe('near_breach');
    expect(slaStage(order, new Date('2026-12-01T04:00:00Z'), 0.75)).toBe('breached');
  });
});

describe('nextStaffInstant', () => {
  const quiet = { start: '22:00', end: '08:00', timezone: 'Asia/Shanghai' };
  it('leaves an instant outside quiet hours as it is', () => {
    const noon = new Date('2026-12-01T04:00:00Z'); // 12:00 in Shanghai
    expect(nextStaffInstant(noon, quiet)).toEqual(noon);
    expect(nextStaffInstant(noon, undefined)).toEqual(noon);
  });

  it('moves an instant in quiet hours to their end, before and after midnight', () => {
    expect(nextStaffInstant(new Date('2026-12-01T15:00:00Z'), quiet).toISOString()).toBe('2026-12-02T00:00:00.000Z'); // 23:00 → 08:00 next day
    expect(nextStaffInstant(new Date('2026-12-01T19:30:00Z'), quiet).toISOString()).toBe('2026-12-02T00:00:00.000Z'); // 03:30 → 08:00
  });

  it('handles a same-day window', () => {
    const lunch = { start: '12:00', end: '13:30', timezone: 'UTC' };
    expect(nextStaffInstant(new Date('2026-12-01T12:10:00Z'), lunch).toISOString()).toBe('2026-12-01T13:30:00.000Z');
  });
});

describe('a disposition on a desk task', () => {
  const verification = { kind: 'fraud_verification', subjectRef: 'case-1', attempts: 0 };

  it('keeps the case’s verification call as its next-steps call when fraud is confirmed on it', () => {
    expect(deskTaskAfter(verification, 'fraud_confirmed', 'case-1')).toBe('keep');
    // Another case's answer (a call back's), or another outcome, closes the task as before.
    expect(deskTaskAfter(verification, 'fraud_confirmed', 'case-2')).toBe('close');
    expect(deskTaskAfter(verification, 'not_fraud', 'case-1')).toBe('close');
  });

  it('books the next try of a promised call on no answer, until the last try', () => {
    expect(deskTaskAfter(verification, 'no_answer')).toBe('retry');
    expect(deskTaskAfter({ kind: 'call_back', subjectRef: 'callback:x', attempts: PROMISED_CALL_TRIES - 2 }, 'no_answer')).toBe(
      'retry',
    );
    expect(deskTaskAfter({ ...verification, attempts: PROMISED_CALL_TRIES - 1 }, 'no_answer')).toBe('close');
    // Nobody promised the customer a collection call.
    expect(deskTaskAfter({ kind: 'collections-dpd-31', subjectRef: 'collect:x', attempts: 0 }, 'no_answer')).toBe('close');
  });

  it('knows a desk kind for every later collection bucket the repayment job queues', () => {
    for (const bucket of LATER_BUCKETS) expect(isDeskKind(`collections-dpd-${bucket}`)).toBe(true);
    expect(isDeskKind('alert')).toBe(false);
  });
});
