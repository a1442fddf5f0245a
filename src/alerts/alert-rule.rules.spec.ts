import { CUSTOMER_IMPORT_COLUMNS, NEW_CUSTOMER } from '../customers/import/customer-batch.writer';
import { movedByImport, ruleReads, touches } from './alert-rule.rules';

describe('ruleReads', () => {
  it('lists each property a rule reads once, through all, any and not', () => {
    const reads = ruleReads({
      all: [
        { field: 'daysPastDue', op: 'gte', value: 30 },
        { any: [{ field: 'riskLevel', op: 'eq', value: 'high' }, { not: { field: 'daysPastDue', op: 'gt', value: 90 } }] },
      ],
    });
    expect(reads).toEqual({ properties: ['daysPastDue', 'riskLevel'], timeDriven: false });
  });

  it('reads both money columns for minimumDuePaid', () => {
    expect(ruleReads({ field: 'minimumDuePaid', op: 'eq', value: false }).properties).toEqual(['minimumDue', 'paidThisCycle']);
  });

  it('calls a rule on a day count time-driven and names the stored column it counts from', () => {
    expect(ruleReads({ field: 'daysSinceLastCardActivity', op: 'gte', value: 90 })).toEqual({
      properties: ['lastCardActivityAt'],
      timeDriven: true,
    });
  });

  it('names the kinds of recent events a rule counts, and calls it time-driven: events age out of the window', () => {
    expect(
      ruleReads({
        any: [
          { field: 'complaintRepliesLast30Days', op: 'gte', value: 1 },
          { field: 'unansweredCallsLast7Days', op: 'gte', value: 3 },
        ],
      }),
    ).toEqual({ properties: ['complaintReplies', 'unansweredCalls'], timeDriven: true });
    expect(touches(['complaintReplies'], ['freeTextReplies', 'complaintReplies'])).toBe(true);
    expect(touches(['complaintReplies'], ['unansweredCalls'])).toBe(false);
  });

  it('reads a bounced payment as its own event, and a score drop as the score, both time-driven', () => {
    expect(
      ruleReads({
        all: [
          { field: 'bouncedPaymentsLast30Days', op: 'gte', value: 2 },
          { field: 'creditScoreDropLast30Days', op: 'gte', value: 50 },
        ],
      }),
    ).toEqual({ properties: ['bouncedPayments', 'creditScore'], timeDriven: true });
    expect(touches(['creditScore'], ['creditScore'])).toBe(true);
    expect(touches(['bouncedPayments'], ['paidThisCycle'])).toBe(false);
  });

  it('looks at the customers of an import batch whose written columns the rule reads, and at every new one', () => {
    const bit = (column: string) => 2 ** CUSTOMER_IMPORT_COLUMNS.indexOf(column as (typeof CUSTOMER_IMPORT_COLUMNS)[number]);
    const written = {
      ids: ['balance', 'past-due', 'score-and-balance', 'new'],
      changed: [bit('statement_balance'), bit('days_past_due'), bit('credit_score') + bit('statement_balance'), NEW_CUSTOMER],
    };
    expect(movedByImport(['daysPastDue'], written)).toEqual(['past-due', 'new']);
    expect(movedByImport(['creditScore', 'riskLevel'], written)).toEqual(['score-and-balance', 'new']);
    expect(movedByImport(['paidThisCycle', 'minimumDue'], written)).toEqual(['new']);
    expect(movedByImport(['statementBalance'], written)).toEqual(['balance', 'score-and-balance', 'new']);
    expect(movedByImport(['lastCardActivityAt'], { ids: ['x'], changed: [bit('last_card_activity_at')] })).toEqual(['x']);
  });

  it('refuses what the segment compiler refuses, with its code', () => {
    expect(() => ruleReads({ field: 'password', op: 'eq', value: 'x' })).toThrow(
      expect.objectContaining({ code: 'SEGMENT_UNKNOWN_FIELD' }),
    );
  });
});

describe('touches', () => {
  it('is true for an unknown change and for a change to a property read', () => {
    expect(touches(['riskLevel'], undefined)).toBe(true);
    expect(touches(['riskLevel'], ['city', 'riskLevel'])).toBe(true);
  });

  it('is false when nothing the rule reads changed', () => {
    expect(touches(['riskLevel'], ['city'])).toBe(false);
    expect(touches(['riskLevel'], [])).toBe(false);
  });
});
