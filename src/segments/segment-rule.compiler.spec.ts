import fc from 'fast-check';
import { DomainError } from '../common/domain-error';
import { COMPLAINT_PATTERN, SEGMENT_FIELDS } from './segment-field.catalogue';
import { compileSegmentRule } from './segment-rule.compiler';
import { SEGMENT_LIMITS } from './segment-rule.parser';

const now = new Date('2025-03-09T10:00:00Z');
const compile = (rule: unknown, firstParam?: number) => compileSegmentRule(rule, { now, firstParam });

function refusal(rule: unknown): { code: string; field: string } {
  try {
    compile(rule);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    const { code, status, details } = error as DomainError;
    expect(status).toBe(400);
    expect(details).toHaveLength(1);
    return { code, field: details[0].field };
  }
  throw new Error('the rule was accepted');
}

const SEGMENT_CODES = [
  'SEGMENT_MALFORMED',
  'SEGMENT_UNKNOWN_FIELD',
  'SEGMENT_BAD_OPERATOR',
  'SEGMENT_BAD_VALUE',
  'SEGMENT_TOO_LARGE',
  'SEGMENT_TOO_DEEP',
];

describe('compileSegmentRule', () => {
  it('compiles a typical collections segment to one condition with bound values', () => {
    expect(
      compile({
        all: [
          { field: 'daysPastDue', op: 'between', value: [1, 30] },
          { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
        ],
      }),
    ).toEqual({
      where: '((c.days_past_due BETWEEN $1::integer AND $2::integer) AND (c.risk_level = ANY($3::text[])))',
      params: [1, 30, ['medium', 'high']],
    });
  });

  it('numbers placeholders from firstParam', () => {
    const { where, params } = compile({ field: 'city', op: 'eq', value: 'Shanghai' }, 4);
    expect(where).toBe('(c.city IS NOT NULL AND c.city = $4::text)');
    expect(params).toEqual(['Shanghai']);
  });

  it('guards nullable fields so that a condition on an empty field is false, not NULL', () => {
    expect(compile({ not: { field: 'creditScore', op: 'gte', value: 700 } }).where).toBe(
      '(NOT (c.credit_score IS NOT NULL AND c.credit_score >= $1::integer))',
    );
  });

  it('computes derived days in the customer zone, binds now once, and bounds the stored column for the index', () => {
    const { where, params } = compile({
      all: [
        { field: 'daysUntilDue', op: 'eq', value: 3 },
        { field: 'daysSinceCardIssued', op: 'gt', value: 14 },
      ],
    });
    expect(where).toContain('(c.due_date - ($1::timestamptz AT TIME ZONE c.timezone)::date) = $4::integer');
    expect(where).toContain('(($1::timestamptz AT TIME ZONE c.timezone)::date - c.card_issued_on) > $6::integer');
    expect(where.match(/\$1::timestamptz/g)).toHaveLength(2);
    // Any zone's today is 2025-03-08 … 2025-03-10; due in 3 days ⇒ due 03-11 … 03-13.
    expect(params.slice(0, 4)).toEqual(['2025-03-09T10:00:00.000Z', '2025-03-11', '2025-03-13', 3]);
    // Issued more than 14 days ago ⇒ on or before today − 15 ≤ 2025-02-23.
    expect(where).toContain('c.card_issued_on <= $5::date');
    expect(params[4]).toBe('2025-02-23');
  });

  it('widens the bound by a day more when the base is an instant, whose local date may differ from its UTC date', () => {
    const { where, params } = compile({ field: 'daysSinceLastContact', op: 'lte', value: 7 });
    expect(where).toContain('c.last_contact_at >= $2::timestamptz');
    // Local today ≥ 03-08 … contacted within 7 days ⇒ local contact date ≥ 03-01 ⇒ UTC ≥ 02-28.
    expect(params[1]).toBe('2025-02-28T00:00:00.000Z');
  });

  it('maps tags, attributes, text and booleans to operators that keep values out of the SQL', () => {
    const { where, params } = compile({
      any: [
        { field: 'tags', op: 'hasTag', value: "o'brien" },
        { field: 'tags', op: 'hasAllTags', value: ['a', 'b'] },
        { field: 'attributes', op: 'contains', value: 'vip' },
        { field: 'attributes', op: 'contains', value: { tier: 'gold', vip: true } },
        { field: 'city', op: 'contains', value: '%_' },
        { field: 'minimumDuePaid', op: 'eq', value: false },
        { field: 'tags', op: 'exists' },
      ],
    });
    expect(where).toBe(
      '((c.tags @> ARRAY[$1::text]) OR (c.tags @> $2::text[]) OR (c.attributes ? $3::text) OR (c.attributes @> $4::jsonb) OR ' +
        '(c.city IS NOT NULL AND strpos(c.city, $5::text) > 0) OR ((c.paid_this_cycle >= c.minimum_due) = $6::boolean) OR ' +
        '(cardinality(c.tags) > 0))',
    );
    expect(params).toEqual(["o'brien", ['a', 'b'], 'vip', '{"tier":"gold","vip":true}', '%_', false]);
  });

  it('normalises instants to UTC', () => {
    expect(compile({ field: 'lastContactAt', op: 'lt', value: '2025-03-01T08:00:00+08:00' }).params).toEqual([
      '2025-03-01T00:00:00.000Z',
    ]);
  });

  it('accepts any text PostgreSQL can hold, characters beyond the BMP included', () => {
    expect(compile({ field: 'city', op: 'eq', value: '🏙️ 上海' }).params).toEqual(['🏙️ 上海']);
  });

  it('treats an empty all as everyone and an empty any as no one', () => {
    expect(compile({ all: [] }).where).toBe('(TRUE)');
    expect(compile({ any: [] }).where).toBe('(FALSE)');
  });

  it.each([
    [{ field: 'days_past_due', op: 'eq', value: 1 }, 'SEGMENT_UNKNOWN_FIELD', 'rule.field'],
    [{ field: 'fullName', op: 'eq', value: '王芳' }, 'SEGMENT_UNKNOWN_FIELD', 'rule.field'],
    [{ field: '__proto__', op: 'eq', value: 1 }, 'SEGMENT_UNKNOWN_FIELD', 'rule.field'],
    [{ field: 'constructor', op: 'eq', value: 1 }, 'SEGMENT_UNKNOWN_FIELD', 'rule.field'],
    [
      {
        all: [
          { field: 'city', op: 'eq', value: 'x' },
          { field: 'city', op: 'gt', value: 'x' },
        ],
      },
      'SEGMENT_BAD_OPERATOR',
      'rule.all.1.op',
    ],
    [{ field: 'riskLevel', op: 'like', value: 'x' }, 'SEGMENT_BAD_OPERATOR', 'rule.op'],
    [{ field: 'phone', op: 'eq', value: '+8613812345678' }, 'SEGMENT_BAD_OPERATOR', 'rule.op'],
    [{ field: 'daysPastDue', op: 'exists' }, 'SEGMENT_BAD_OPERATOR', 'rule.op'],
    [{ field: 'lastContactAt', op: 'eq', value: '2025-01-01T00:00:00Z' }, 'SEGMENT_BAD_OPERATOR', 'rule.op'],
    [{ field: 'riskLevel', op: 'eq', value: 'severe' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'daysPastDue', op: 'eq', value: '1' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'daysPastDue', op: 'eq', value: 1.5 }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'daysPastDue', op: 'eq', value: 2 ** 31 }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'daysUntilDue', op: 'eq', value: 100_001 }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'creditLimit', op: 'gt', value: 2 ** 53 }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'daysPastDue', op: 'between', value: [30, 1] }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'daysPastDue', op: 'between', value: [1, 2, 3] }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'daysPastDue', op: 'in', value: [1, 'x'] }, 'SEGMENT_BAD_VALUE', 'rule.value.1'],
    [{ field: 'daysPastDue', op: 'in', value: [] }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'dueDate', op: 'eq', value: '2025-02-30' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'dueDate', op: 'eq', value: '0000-01-01' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'lastContactAt', op: 'lt', value: '2025-01-01T00:00:00' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'city', op: 'eq', value: 'a\u0000b' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'city', op: 'eq', value: '\ud800' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'city', op: 'eq', value: null }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'city', op: 'eq' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'city', op: 'exists', value: true }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'city', op: 'eq', value: 'x'.repeat(201) }, 'SEGMENT_TOO_LARGE', 'rule.value'],
    [{ field: 'attributes', op: 'contains', value: { nested: { a: 1 } } }, 'SEGMENT_BAD_VALUE', 'rule.value.nested'],
    [{ field: 'attributes', op: 'contains', value: {} }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'minimumDuePaid', op: 'eq', value: 'false' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [{ field: 'city', op: 'eq', value: 'x', extra: 1 }, 'SEGMENT_MALFORMED', 'rule.extra'],
    [{ all: [], any: [] }, 'SEGMENT_MALFORMED', 'rule.any'],
    [{ all: {} }, 'SEGMENT_MALFORMED', 'rule.all'],
    [{ not: [] }, 'SEGMENT_MALFORMED', 'rule.not'],
    [[], 'SEGMENT_MALFORMED', 'rule'],
    ['TRUE', 'SEGMENT_MALFORMED', 'rule'],
    [null, 'SEGMENT_MALFORMED', 'rule'],
    [{ field: 1, op: 'eq', value: 1 }, 'SEGMENT_MALFORMED', 'rule.field'],
    [{ all: [{ any: [{ field: 'city' }] }] }, 'SEGMENT_MALFORMED', 'rule.all.0.any.0.op'],
  ])('refuses %j with %s at %s', (rule, code, field) => {
    expect(refusal(rule)).toEqual({ code, field });
  });

  it('refuses prototype-pollution keys as rule keys, and leaves Object.prototype alone', () => {
    const hostile = JSON.parse('{"all": [{"__proto__": {"polluted": true}, "field": "city", "op": "exists"}]}');
    expect(refusal(hostile)).toEqual({ code: 'SEGMENT_MALFORMED', field: 'rule.all.0.__proto__' });
    const viaValue = JSON.parse('{"field": "attributes", "op": "contains", "value": {"__proto__": "x"}}');
    expect(refusal(viaValue)).toEqual({ code: 'SEGMENT_BAD_VALUE', field: 'rule.value.__proto__' });
    expect(refusal({ field: 'attributes', op: 'contains', value: { constructor: 1 } }).field).toBe('rule.value.constructor');
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('bounds depth, node count and list lengths', () => {
    let deep: unknown = { field: 'city', op: 'exists' };
    for (let i = 0; i < SEGMENT_LIMITS.maxDepth; i++) deep = { not: deep };
    expect(refusal(deep)).toEqual({ code: 'SEGMENT_TOO_DEEP', field: `rule${'.not'.repeat(SEGMENT_LIMITS.maxDepth)}` });

    const leaf = { field: 'city', op: 'exists' };
    expect(refusal({ any: Array(SEGMENT_LIMITS.maxNodes).fill(leaf) }).code).toBe('SEGMENT_TOO_LARGE');
    expect(() => compile({ any: Array(SEGMENT_LIMITS.maxNodes - 1).fill(leaf) })).not.toThrow();

    const list = (n: number) => Array.from({ length: n }, (_, i) => `tag-${i}`);
    expect(refusal({ field: 'tags', op: 'hasAnyTag', value: list(SEGMENT_LIMITS.maxListItems + 1) })).toEqual({
      code: 'SEGMENT_TOO_LARGE',
      field: 'rule.value',
    });
    const many = { field: 'tags', op: 'hasAnyTag', value: list(SEGMENT_LIMITS.maxListItems) };
    const count = SEGMENT_LIMITS.maxValues / SEGMENT_LIMITS.maxListItems;
    expect(() => compile({ any: Array(count).fill(many) })).not.toThrow();
    expect(refusal({ any: Array(count + 1).fill(many) })).toEqual({
      code: 'SEGMENT_TOO_LARGE',
      field: `rule.any.${count}.value`,
    });
  });

  it('refuses a bad firstParam', () => {
    expect(() => compile({ all: [] }, 0)).toThrow(DomainError);
  });

  describe('for any input', () => {
    it('either compiles or refuses with a segment code, never anything else', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), (rule) => {
          try {
            compile(rule);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect(SEGMENT_CODES).toContain((error as DomainError).code);
          }
        }),
        { numRuns: 2000 },
      );
    });

    it('never puts a value into the SQL text, and numbers placeholders densely from firstParam', () => {
      const names = [...SEGMENT_FIELDS.keys()];
      const sentinel = fc.constantFrom("'; DROP TABLE customers; --", 'Robert"); --', '$1', '\\x27');
      const leaf = fc.record({
        field: fc.constantFrom(...names),
        op: fc.constantFrom('eq', 'ne', 'in', 'notIn', 'contains', 'hasTag', 'hasAnyTag'),
        value: fc.oneof(sentinel, fc.array(sentinel, { minLength: 1, maxLength: 3 })),
      });
      fc.assert(
        fc.property(fc.array(leaf, { maxLength: 8 }), fc.integer({ min: 1, max: 50 }), (leaves, first) => {
          let compiled;
          try {
            compiled = compile({ any: leaves }, first);
          } catch (error) {
            expect(SEGMENT_CODES).toContain((error as DomainError).code);
            return;
          }
          expect(compiled.where).not.toMatch(/DROP|Robert|\\x27|'/);
          const used = [...new Set([...compiled.where.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
          expect(used).toEqual(compiled.params.map((_, i) => first + i));
        }),
      );
    });
  });
});

describe('recent events', () => {
  it('counts the customer’s events in the window ending now, binding the window and the complaint words', () => {
    const { where, params } = compile({ field: 'complaintRepliesLast30Days', op: 'gte', value: 1 });
    expect(where).toContain('FROM inbound_messages m');
    expect(where).toContain("m.intent = 'free_text'");
    expect(where).toContain('m.body ~* $3::text');
    expect(params).toEqual([now.toISOString(), 30, COMPLAINT_PATTERN, 1]);
    expect(new RegExp(COMPLAINT_PATTERN, 'i').test('我要投诉，服务太差')).toBe(true);
    expect(new RegExp(COMPLAINT_PATTERN, 'i').test('Paid it yesterday, thanks')).toBe(false);
  });

  it('counts unanswered calls over seven days, and refuses a negative count', () => {
    const { where, params } = compile({ field: 'unansweredCallsLast7Days', op: 'between', value: [2, 5] });
    expect(where).toContain("a.status IN ('no_answer', 'busy')");
    expect(params).toEqual([now.toISOString(), 7, 2, 5]);
    expect(refusal({ field: 'unansweredCallsLast7Days', op: 'gte', value: -1 })).toMatchObject({ code: 'SEGMENT_BAD_VALUE' });
  });

  it('counts payments returned unpaid over thirty days', () => {
    const { where, params } = compile({ field: 'bouncedPaymentsLast30Days', op: 'gte', value: 2 });
    expect(where).toContain('FROM payments p');
    expect(where).toContain('p.returned_at > $1::timestamptz - make_interval(days => $2::integer)');
    expect(params).toEqual([now.toISOString(), 30, 2]);
  });

  it('reads how far the score is below its highest of the last thirty days', () => {
    const { where, params } = compile({ field: 'creditScoreDropLast30Days', op: 'gte', value: 50 });
    expect(where).toContain('greatest(max(h.score_before), c.credit_score) - c.credit_score');
    expect(where).toContain('h.changed_at > $1::timestamptz - make_interval(days => $2::integer)');
    expect(params).toEqual([now.toISOString(), 30, 50]);
  });
});
