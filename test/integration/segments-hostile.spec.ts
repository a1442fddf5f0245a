import fc from 'fast-check';
import { ManualClock } from '../../src/common/clock';
import { insertSegmentTestBook, segmentTestBook } from '../support/segment-book';
import { segmentRule } from '../support/segment-rule.arbitrary';
import { startTestApp, TestApp } from '../support/test-app';

const SEGMENT_CODES = [
  'SEGMENT_MALFORMED',
  'SEGMENT_UNKNOWN_FIELD',
  'SEGMENT_BAD_OPERATOR',
  'SEGMENT_BAD_VALUE',
  'SEGMENT_TOO_LARGE',
  'SEGMENT_TOO_DEEP',
];
const INJECTIONS = [
  "'; DROP TABLE customers; --",
  "x' OR '1'='1",
  'x"); DELETE FROM segments; --',
  '$1',
  '%',
  '_',
  '\\',
  "') OR 1=1 --",
  '{"a": 1}',
  '}{,"',
];

/**
 * Rules written to hurt: injection in every position, huge lists, deep nesting, wrong types,
 * prototype-pollution keys. Each is a clean 400 (or, where the hostile text is only a value,
 * a harmless 200) — never a database error, never a changed database.
 */
describe('hostile segment rules', () => {
  let t: TestApp;
  let key: string;
  let checksumBefore: string;

  /** Every table's name and every row of the tables a rule could reach. */
  const checksum = async (): Promise<string> => {
    const [{ sum }] = await t.db.query(`
      SELECT md5(
        (SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public') ||
        (SELECT coalesce(string_agg(c::text, '|' ORDER BY c.id), '') FROM customers c) ||
        (SELECT coalesce(string_agg(s::text, '|' ORDER BY s.id), '') FROM segments s)) AS sum`);
    return sum;
  };

  const preview = (body: unknown) =>
    t.http
      .post('/segments/preview')
      .auth(key, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  beforeAll(async () => {
    t = await startTestApp({}, { clock: new ManualClock(new Date('2025-03-09T02:00:00Z')) });
    await insertSegmentTestBook(t.db, segmentTestBook(300, 11));
    key = await t.keyFor('campaign_manager');
    await t.http
      .post('/segments')
      .auth(key, { type: 'bearer' })
      .send({ name: 'existing', rule: { field: 'riskLevel', op: 'eq', value: 'high' } })
      .expect(201);
    checksumBefore = await checksum();
  });

  afterAll(async () => {
    // Nothing any test below sent has changed a row or a table.
    expect(await checksum()).toBe(checksumBefore);
    await t.close();
  });

  // As text: a structure this deep is more than JSON.stringify's stack can take here.
  const deep = (levels: number) => `{"rule": ${'{"not": '.repeat(levels)}{"field": "city", "op": "exists"}${'}'.repeat(levels)}}`;

  it.each([
    [
      'SQL in a field name',
      { field: "city'; DROP TABLE customers; --", op: 'eq', value: 'x' },
      'SEGMENT_UNKNOWN_FIELD',
      'rule.field',
    ],
    ['a column name instead of a field', { field: 'full_name', op: 'eq', value: 'x' }, 'SEGMENT_UNKNOWN_FIELD', 'rule.field'],
    ['SQL as an operator', { field: 'city', op: "= 'x' OR 1=1 --", value: 'x' }, 'SEGMENT_BAD_OPERATOR', 'rule.op'],
    [
      'a value where a number belongs',
      { field: 'daysPastDue', op: 'gt', value: '1; DROP TABLE customers' },
      'SEGMENT_BAD_VALUE',
      'rule.value',
    ],
    ['an operator object as a value', { field: 'daysPastDue', op: 'gt', value: { $gt: 1 } }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    ['a number out of range', { field: 'creditScore', op: 'gt', value: 1e300 }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [
      'a date PostgreSQL would take as a keyword',
      { field: 'dueDate', op: 'lt', value: 'infinity' },
      'SEGMENT_BAD_VALUE',
      'rule.value',
    ],
    ['an instant as a function call', { field: 'lastContactAt', op: 'lt', value: 'now()' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    ['a NUL character', { field: 'city', op: 'eq', value: 'a\u0000b' }, 'SEGMENT_BAD_VALUE', 'rule.value'],
    [
      'a list of 1001',
      { field: 'externalRef', op: 'in', value: Array.from({ length: 1001 }, (_, i) => `R${i}`) },
      'SEGMENT_TOO_LARGE',
      'rule.value',
    ],
    ['201 conditions', { any: Array(201).fill({ field: 'city', op: 'exists' }) }, 'SEGMENT_TOO_LARGE', 'rule.any'],
    ['11 levels', deep(10), 'SEGMENT_TOO_DEEP', `rule${'.not'.repeat(10)}`],
    ['40 levels', deep(40), 'SEGMENT_TOO_DEEP', `rule${'.not'.repeat(10)}`],
    // The rule's own check stops at the eleventh level, before the body's depth check would.
    ['5000 levels', deep(5000), 'SEGMENT_TOO_DEEP', `rule${'.not'.repeat(10)}`],
    [
      'a nested attribute value',
      { field: 'attributes', op: 'contains', value: { tier: { $ne: 1 } } },
      'SEGMENT_BAD_VALUE',
      'rule.value.tier',
    ],
    ['a rule that is SQL text', 'TRUE; DROP TABLE customers', 'SEGMENT_MALFORMED', 'rule'],
  ])('refuses %s', async (_, rule, code, field) => {
    const res = await preview(typeof rule === 'string' && rule.startsWith('{"rule"') ? rule : { rule }).expect(400);
    expect(res.body.error).toMatchObject({ code, details: [{ field }] });
  });

  it.each(INJECTIONS)('binds %j as a plain value wherever a value goes', async (text) => {
    const res = await preview({
      rule: {
        any: [
          { field: 'city', op: 'eq', value: text },
          { field: 'city', op: 'contains', value: text },
          { field: 'externalRef', op: 'in', value: [text, `${text}'`] },
          { field: 'tags', op: 'hasAllTags', value: [text] },
          { field: 'attributes', op: 'contains', value: text },
          { field: 'attributes', op: 'contains', value: { [text]: text } },
        ],
      },
    }).expect(200);
    // No city, reference, tag or attribute in the book holds these: a wildcard or a break-out would match.
    expect(res.body.count).toBe(0);
  });

  it('refuses prototype-pollution keys and leaves Object.prototype alone', async () => {
    const bodies = [
      '{"rule": {"__proto__": {"field": "city", "op": "exists"}}}',
      '{"rule": {"all": [{"constructor": {"prototype": {"polluted": true}}, "field": "city", "op": "exists"}]}}',
      '{"rule": {"field": "city", "op": "exists", "__proto__": {"polluted": true}}}',
    ];
    const codes = [];
    for (const body of bodies) codes.push((await preview(body).expect(400)).body.error);
    expect(codes).toEqual([
      expect.objectContaining({ code: 'SEGMENT_MALFORMED', details: [{ field: 'rule.__proto__', reason: expect.any(String) }] }),
      expect.objectContaining({
        code: 'SEGMENT_MALFORMED',
        details: [{ field: 'rule.all.0.constructor', reason: expect.any(String) }],
      }),
      expect.objectContaining({ code: 'SEGMENT_MALFORMED', details: [{ field: 'rule.__proto__', reason: expect.any(String) }] }),
    ]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('refuses a hostile rule on save and on update too, leaving the saved segment as it was', async () => {
    const created = await t.http
      .post('/segments')
      .auth(key, { type: 'bearer' })
      .send({ name: "x'); DROP TABLE segments; --", rule: { field: 'city', op: 'eq', value: "'; --" } })
      .expect(201);
    await t.http.delete(`/segments/${created.body.id}`).auth(key, { type: 'bearer' }).expect(204);

    const [{ id }] = await t.db.query(`SELECT id FROM segments WHERE name = 'existing'`);
    const res = await t.http
      .patch(`/segments/${id}`)
      .auth(key, { type: 'bearer' })
      .send({ rule: { field: 'riskLevel; DELETE FROM customers', op: 'eq', value: 'x' } })
      .expect(400);
    expect(res.body.error.code).toBe('SEGMENT_UNKNOWN_FIELD');
  });

  it('answers any mangled rule with 200 or a segment 400, never a 500', async () => {
    const junk = fc.oneof(fc.constantFrom(...INJECTIONS), fc.jsonValue({ maxDepth: 2 }), fc.string());
    /** A valid rule with one node, field, operator or value replaced by junk. */
    const mangled = fc
      .tuple(segmentRule, junk, fc.constantFrom('node', 'field', 'op', 'value'), fc.nat())
      .map(([rule, j, part, n]) => {
        const nodes: Record<string, unknown>[] = [];
        const visit = (node: Record<string, unknown>) => {
          nodes.push(node);
          for (const child of [...((node.all ?? node.any ?? []) as Record<string, unknown>[]), ...(node.not ? [node.not] : [])]) {
            visit(child as Record<string, unknown>);
          }
        };
        visit(rule as Record<string, unknown>);
        const target = nodes[n % nodes.length];
        if (part === 'node') for (const k of Object.keys(target)) delete target[k];
        target[part === 'node' ? String(j) : part] = j;
        return rule;
      });
    await fc.assert(
      fc.asyncProperty(mangled, async (rule) => {
        const res = await preview({ rule });
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(SEGMENT_CODES).toContain(res.body.error.code);
      }),
      { numRuns: 150 },
    );
  });
});
