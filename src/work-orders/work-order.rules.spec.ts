import { decideTransition, nextStaffInstant, slaStage } from './work-order.rules';

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
