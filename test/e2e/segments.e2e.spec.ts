import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { segmentPredicate } from '../../src/segments/segment-rule.evaluator';
import { SegmentsService } from '../../src/segments/segments.service';
import { insertSegmentTestBook, segmentTestBook } from '../support/segment-book';
import { startTestApp, TestApp } from '../support/test-app';

const OVERDUE = {
  all: [
    { field: 'daysPastDue', op: 'between', value: [1, 30] },
    { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
  ],
};
const DUE_SOON = {
  all: [
    { field: 'daysUntilDue', op: 'between', value: [0, 3] },
    { field: 'minimumDuePaid', op: 'eq', value: false },
  ],
};

describe('segments over HTTP', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date('2025-03-09T02:00:00Z'));
  let manager: string;
  let managerId: string;
  let ops: string;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    await insertSegmentTestBook(t.db, segmentTestBook(400, 7));
    manager = await t.keyFor('campaign_manager');
    ops = await t.keyFor('ops');
    [{ id: managerId }] = await t.db.query(`SELECT id FROM users WHERE role = 'campaign_manager'`);
  });
  afterAll(() => t.close());

  /** What the in-memory evaluator says of the same rule over the same book: the oracle. */
  async function expected(rule: unknown) {
    const customers = await t.db.getRepository(Customer).find();
    const selected = customers.filter(segmentPredicate(rule, clock.now()));
    const byRiskLevel = { low: 0, medium: 0, high: 0 };
    for (const c of selected) byRiskLevel[c.riskLevel]++;
    return { ids: new Set(selected.map((c) => c.id)), count: selected.length, byRiskLevel };
  }

  const preview = (rule: unknown, key = manager) => t.http.post('/segments/preview').auth(key, { type: 'bearer' }).send({ rule });

  describe('preview', () => {
    it('counts, breaks down by risk and samples an unsaved rule, with personal data masked', async () => {
      const res = await preview(OVERDUE).expect(200);
      const oracle = await expected(OVERDUE);
      expect(oracle.count).toBeGreaterThan(10);
      expect(res.body).toMatchObject({ count: oracle.count, byRiskLevel: oracle.byRiskLevel, at: clock.now().toISOString() });
      expect(res.body.sample).toHaveLength(10);
      for (const customer of res.body.sample) {
        expect(oracle.ids.has(customer.id)).toBe(true);
        expect(customer.name).toMatch(/^.\*+$/u);
        if (customer.phone !== null) expect(customer.phone).toMatch(/^\+\d{1,6}\*{4,}\d{0,4}$/);
        expect(Object.keys(customer).sort()).toEqual([
          'cardStatus',
          'daysPastDue',
          'externalRef',
          'id',
          'name',
          'phone',
          'riskLevel',
        ]);
      }
    });

    it('is computed on every request: it follows the book and the clock', async () => {
      const before = (await preview(DUE_SOON).expect(200)).body;
      expect(before.count).toBe((await expected(DUE_SOON)).count);

      await t.db.query(`UPDATE customers SET paid_this_cycle = minimum_due WHERE id = $1`, [before.sample[0].id]);
      expect((await preview(DUE_SOON).expect(200)).body.count).toBe(before.count - 1);

      clock.advance(2 * 86_400_000);
      try {
        const later = (await preview(DUE_SOON).expect(200)).body;
        expect(later.count).toBe((await expected(DUE_SOON)).count);
        expect(later.count).not.toBe(before.count - 1);
      } finally {
        clock.advance(-2 * 86_400_000);
      }
    });

    it('answers a bad rule with 400, its code and the path of the bad node', async () => {
      const res = await preview({ all: [OVERDUE, { field: 'riskLevel', op: 'eq', value: 'severe' }] }).expect(400);
      expect(res.body.error).toMatchObject({
        code: 'SEGMENT_BAD_VALUE',
        details: [{ field: 'rule.all.1.value', reason: 'must be one of low, medium, high' }],
      });
      const missing = await t.http.post('/segments/preview').auth(manager, { type: 'bearer' }).send({}).expect(400);
      expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('is open to ops but not to agents', async () => {
      await preview(OVERDUE, ops).expect(200);
      await preview(OVERDUE, await t.keyFor('agent')).expect(403);
    });
  });

  describe('saved segments', () => {
    let id: string;

    it('are created by campaign managers, validated by compiling, and owned by their creator', async () => {
      const bad = await t.http
        .post('/segments')
        .auth(manager, { type: 'bearer' })
        .send({ name: 'Broken', rule: { any: [OVERDUE, { field: 'fullName', op: 'eq', value: '王芳' }] } })
        .expect(400);
      expect(bad.body.error).toMatchObject({ code: 'SEGMENT_UNKNOWN_FIELD', details: [{ field: 'rule.any.1.field' }] });

      const res = await t.http
        .post('/segments')
        .auth(manager, { type: 'bearer' })
        .send({ name: 'Overdue 1–30, medium or high risk', description: 'early collections', rule: OVERDUE })
        .expect(201);
      expect(res.body).toMatchObject({ name: 'Overdue 1–30, medium or high risk', rule: OVERDUE, ownerId: managerId });
      id = res.body.id;
    });

    it('refuses a second segment of the same name, whatever its case', async () => {
      const res = await t.http
        .post('/segments')
        .auth(manager, { type: 'bearer' })
        .send({ name: 'OVERDUE 1–30, MEDIUM OR HIGH RISK', rule: DUE_SOON })
        .expect(409);
      expect(res.body.error).toMatchObject({ code: 'SEGMENT_NAME_TAKEN', details: [{ field: 'name', reason: 'is taken' }] });
    });

    it('are readable and previewable by ops, who may not change them', async () => {
      const list = await t.http.get('/segments').auth(ops, { type: 'bearer' }).expect(200);
      expect(list.body).toMatchObject({ total: 1, items: [{ id }] });
      await t.http.get(`/segments/${id}`).auth(ops, { type: 'bearer' }).expect(200);
      const saved = await t.http.get(`/segments/${id}/preview`).auth(ops, { type: 'bearer' }).expect(200);
      expect(saved.body).toEqual((await preview(OVERDUE).expect(200)).body);
      await t.http.patch(`/segments/${id}`).auth(ops, { type: 'bearer' }).send({ name: 'x' }).expect(403);
      await t.http.delete(`/segments/${id}`).auth(ops, { type: 'bearer' }).expect(403);
    });

    it('give other features their audience as a condition with placeholders after their own', async () => {
      const { where, params } = await t.app.get(SegmentsService).audienceCondition(id, clock.now(), 2);
      const rows: { id: string }[] = await t.db.query(`SELECT c.id FROM customers c WHERE c.created_at < $1 AND ${where}`, [
        new Date('2100-01-01T00:00:00Z'),
        ...params,
      ]);
      expect(new Set(rows.map((r) => r.id))).toEqual((await expected(OVERDUE)).ids);
    });

    it('are updated with a rule validated again, and deleted', async () => {
      const bad = await t.http
        .patch(`/segments/${id}`)
        .auth(manager, { type: 'bearer' })
        .send({ rule: { not: { field: 'tags', op: 'hasTag', value: ['vip'] } } })
        .expect(400);
      expect(bad.body.error).toMatchObject({ code: 'SEGMENT_BAD_VALUE', details: [{ field: 'rule.not.value' }] });

      const nameless = await t.http.patch(`/segments/${id}`).auth(manager, { type: 'bearer' }).send({ name: null }).expect(400);
      expect(nameless.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'name' }, { field: 'name' }] });

      const res = await t.http
        .patch(`/segments/${id}`)
        .auth(manager, { type: 'bearer' })
        .send({ rule: DUE_SOON, description: null })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'Overdue 1–30, medium or high risk', description: null, rule: DUE_SOON });
      const saved = await t.http.get(`/segments/${id}/preview`).auth(manager, { type: 'bearer' }).expect(200);
      expect(saved.body.count).toBe((await expected(DUE_SOON)).count);

      await t.http.delete(`/segments/${id}`).auth(manager, { type: 'bearer' }).expect(204);
      const gone = await t.http.get(`/segments/${id}`).auth(manager, { type: 'bearer' }).expect(404);
      expect(gone.body.error.code).toBe('SEGMENT_NOT_FOUND');
      await expect(t.app.get(SegmentsService).audienceCondition(id, clock.now())).rejects.toMatchObject({
        code: 'SEGMENT_NOT_FOUND',
      });
    });
  });

  it('lists the fields a rule may use, with their operators', async () => {
    const res = await t.http.get('/segments/fields').auth(ops, { type: 'bearer' }).expect(200);
    const byName = Object.fromEntries(res.body.map((f: { name: string }) => [f.name, f]));
    expect(byName.daysUntilDue).toMatchObject({
      type: 'integer',
      nullable: true,
      operators: expect.arrayContaining(['between', 'exists']),
    });
    expect(byName.riskLevel).toMatchObject({ type: 'enum', values: ['low', 'medium', 'high'] });
    expect(byName.phone.operators).toEqual(['exists']);
    expect(byName.fullName).toBeUndefined();
  });

  it('documents the endpoints in OpenAPI', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/segments', '/segments/preview', '/segments/fields', '/segments/{id}', '/segments/{id}/preview']),
    );
    expect(res.body.components.schemas.SegmentPreviewDto.required).toEqual(
      expect.arrayContaining(['count', 'byRiskLevel', 'sample']),
    );
  });
});
