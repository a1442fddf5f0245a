import { DomainError } from '../common/domain-error';
import { evaluateSegmentRule, SegmentSubject } from './segment-rule.evaluator';

const customer = (overrides: Partial<SegmentSubject> = {}): SegmentSubject => ({
  externalRef: 'C-1',
  phone: '+8613812345678',
  email: null,
  locale: 'zh-CN',
  timezone: 'Asia/Shanghai',
  country: 'CN',
  city: null,
  cardStatus: 'active',
  currency: 'CNY',
  creditLimit: 5_000_000,
  statementBalance: 120_000,
  minimumDue: 12_000,
  paidThisCycle: 0,
  statementDate: '2025-02-20',
  dueDate: '2025-03-12',
  daysPastDue: 0,
  riskLevel: 'low',
  creditScore: null,
  cardIssuedOn: '2025-02-01',
  lastCardActivityAt: null,
  tags: [],
  attributes: {},
  muteUntil: null,
  marketingMuteUntil: null,
  lastContactAt: null,
  lastContactChannel: null,
  lastContactPurpose: null,
  lastContactOutcome: null,
  lastRightPartyContactAt: null,
  promiseToPayOn: null,
  promiseToPayAmount: null,
  lastVerificationResult: null,
  createdAt: new Date('2025-01-01T00:00:00Z'),
  ...overrides,
});

const at = (iso: string) => new Date(iso);

describe('evaluateSegmentRule', () => {
  it('counts days until due in the customer own zone', () => {
    const rule = { field: 'daysUntilDue', op: 'eq', value: 1 };
    // 2025-03-10T03:00Z is 11:00 on the 10th in Shanghai but 23:00 on the 9th in New York (EDT since that morning).
    const now = at('2025-03-10T03:00:00Z');
    expect(evaluateSegmentRule(rule, customer({ dueDate: '2025-03-11' }), now)).toBe(true);
    expect(evaluateSegmentRule(rule, customer({ dueDate: '2025-03-10', timezone: 'America/New_York' }), now)).toBe(true);
    expect(evaluateSegmentRule(rule, customer({ dueDate: '2025-03-10' }), now)).toBe(false);
  });

  it('counts days since an instant between local calendar dates, not 24-hour periods', () => {
    const rule = { field: 'daysSinceLastContact', op: 'eq', value: 1 };
    const now = at('2025-03-09T10:00:00Z'); // 18:00 in Shanghai, 10:00 in London
    const lastContactAt = at('2025-03-08T20:00:00Z'); // 04:00 on the 9th in Shanghai, 20:00 on the 8th in London
    expect(evaluateSegmentRule(rule, customer({ lastContactAt }), now)).toBe(false);
    expect(evaluateSegmentRule(rule, customer({ lastContactAt, timezone: 'Europe/London' }), now)).toBe(true);
  });

  it('is false on an empty field for every comparison, ne included, and not is its complement', () => {
    const empty = customer({ creditScore: null });
    expect(evaluateSegmentRule({ field: 'creditScore', op: 'ne', value: 700 }, empty, at('2025-03-01T00:00:00Z'))).toBe(false);
    expect(evaluateSegmentRule({ not: { field: 'creditScore', op: 'eq', value: 700 } }, empty, at('2025-03-01T00:00:00Z'))).toBe(
      true,
    );
    expect(evaluateSegmentRule({ field: 'creditScore', op: 'exists' }, empty, at('2025-03-01T00:00:00Z'))).toBe(false);
    expect(evaluateSegmentRule({ field: 'daysSinceLastContact', op: 'lt', value: 9999 }, empty, at('2025-03-01T00:00:00Z'))).toBe(
      false,
    );
  });

  it('reads money stored as bigint text and compares it as a number', () => {
    const rich = customer({ creditLimit: '10000000' as unknown as number });
    expect(evaluateSegmentRule({ field: 'creditLimit', op: 'gte', value: 9_000_000 }, rich, at('2025-03-01T00:00:00Z'))).toBe(
      true,
    );
  });

  it('tells whether the minimum due is paid', () => {
    const rule = { field: 'minimumDuePaid', op: 'eq', value: true };
    const now = at('2025-03-01T00:00:00Z');
    expect(evaluateSegmentRule(rule, customer({ minimumDue: 100, paidThisCycle: 100 }), now)).toBe(true);
    expect(evaluateSegmentRule(rule, customer({ minimumDue: 100, paidThisCycle: 99 }), now)).toBe(false);
  });

  it('matches tags', () => {
    const tagged = customer({ tags: ['vip', 'salary'] });
    const now = at('2025-03-01T00:00:00Z');
    expect(evaluateSegmentRule({ field: 'tags', op: 'hasTag', value: 'vip' }, tagged, now)).toBe(true);
    expect(evaluateSegmentRule({ field: 'tags', op: 'hasAnyTag', value: ['x', 'salary'] }, tagged, now)).toBe(true);
    expect(evaluateSegmentRule({ field: 'tags', op: 'hasAllTags', value: ['vip', 'x'] }, tagged, now)).toBe(false);
    expect(evaluateSegmentRule({ field: 'tags', op: 'exists' }, customer(), now)).toBe(false);
  });

  it('matches attributes by top-level key or by scalar values, as PostgreSQL containment does', () => {
    const now = at('2025-03-01T00:00:00Z');
    const c = customer({ attributes: { tier: 'gold', branches: ['sh', 'bj'], vip: false, note: null } });
    expect(evaluateSegmentRule({ field: 'attributes', op: 'contains', value: 'note' }, c, now)).toBe(true);
    expect(evaluateSegmentRule({ field: 'attributes', op: 'contains', value: 'toString' }, c, now)).toBe(false);
    expect(evaluateSegmentRule({ field: 'attributes', op: 'contains', value: { tier: 'gold', vip: false } }, c, now)).toBe(true);
    expect(evaluateSegmentRule({ field: 'attributes', op: 'contains', value: { note: null } }, c, now)).toBe(true);
    expect(evaluateSegmentRule({ field: 'attributes', op: 'contains', value: { branches: 'sh' } }, c, now)).toBe(false);
  });

  it('compares instants whatever offset the rule wrote them with', () => {
    const c = customer({ lastCardActivityAt: at('2025-03-01T00:00:00Z') });
    const rule = { field: 'lastCardActivityAt', op: 'gte', value: '2025-03-01T08:00:00+08:00' };
    expect(evaluateSegmentRule(rule, c, at('2025-03-09T00:00:00Z'))).toBe(true);
  });

  it('validates the rule as the compiler does', () => {
    expect(() => evaluateSegmentRule({ field: 'nope', op: 'eq', value: 1 }, customer(), new Date())).toThrow(DomainError);
  });
});
