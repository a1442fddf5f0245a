import { generateCustomers } from '../../src/customers/book/customer-book.generator';
import { csvHeader, toCsvLine, toNdjsonLine } from '../../src/customers/import/import-file.format';
import { agentTask } from '../support/agent-work';
import { startTestApp, TestApp } from '../support/test-app';

describe('customers over HTTP', () => {
  let t: TestApp;
  let manager: string;
  let ops: string;
  let agent: { id: string; key: string };

  beforeAll(async () => {
    t = await startTestApp();
    manager = await t.keyFor('campaign_manager');
    ops = await t.keyFor('ops');
    agent = await t.userFor('agent');
  });
  afterAll(() => t.close());

  const create = (body: object, key = ops) => t.http.post('/customers').auth(key, { type: 'bearer' }).send(body);
  const fieldsOf = (res: { body: { error: { details: { field: string }[] } } }) => res.body.error.details.map((d) => d.field);

  describe('who may do what', () => {
    it('refuses a request without a key with 401', async () => {
      await t.http.get('/customers').expect(401);
      await t.http.post('/customers/imports').set('Content-Type', 'text/csv').send('external_ref,full_name\n').expect(401);
    });

    it('lets agents read the customers of their tasks but not write, and keeps core-system keys out', async () => {
      const { body } = await create({ externalRef: 'ROLE-1', fullName: '李伟' }).expect(201);
      const refused = await t.http.get(`/customers/${body.id}`).auth(agent.key, { type: 'bearer' }).expect(403);
      expect(refused.body.error.code).toBe('NOT_YOUR_CUSTOMER');
      await agentTask(t.db, { customerId: body.id, takenBy: agent.id });
      await t.http.get(`/customers/${body.id}`).auth(agent.key, { type: 'bearer' }).expect(200);
      await t.http.get('/customers').auth(agent.key, { type: 'bearer' }).expect(200);
      expect((await create({ externalRef: 'ROLE-2', fullName: 'X' }, agent.key).expect(403)).body.error.code).toBe(
        'FORBIDDEN_FOR_ROLE',
      );
      await t.http.patch(`/customers/${body.id}`).auth(agent.key, { type: 'bearer' }).send({ city: '上海' }).expect(403);
      await t.http.get('/customers/imports').auth(agent.key, { type: 'bearer' }).expect(403);
      const integration = await t.keyFor('integration');
      await t.http.get(`/customers/${body.id}`).auth(integration, { type: 'bearer' }).expect(403);
    });
  });

  describe('a profile', () => {
    it('is created with its phone in E.164 and its defaults, and read back', async () => {
      const res = await create({
        externalRef: 'CRM-100',
        fullName: '王芳',
        phone: '13812345678',
        creditLimit: 5_000_000,
        tags: ['vip'],
      }).expect(201);
      expect(res.body).toMatchObject({
        externalRef: 'CRM-100',
        phone: '+8613812345678',
        timezone: 'Asia/Shanghai',
        locale: 'zh-CN',
        currency: 'CNY',
        creditLimit: 5_000_000,
        tags: ['vip'],
      });
      const read = await t.http.get(`/customers/${res.body.id}`).auth(ops, { type: 'bearer' }).expect(200);
      expect(read.body).toEqual(res.body);
      // A campaign manager's job needs no one's name or number (src/auth/personal-data.rules.ts).
      const masked = await t.http.get(`/customers/${res.body.id}`).auth(manager, { type: 'bearer' }).expect(200);
      expect(masked.body).toMatchObject({ fullName: '王*', phone: '+86138****5678', creditLimit: 5_000_000 });
    });

    it('is refused with 400 naming each bad field', async () => {
      const res = await create({
        externalRef: 'CRM-101',
        fullName: 'Li',
        phone: '12345',
        dueDate: '2025-02-30',
        creditLimit: 12.5,
      }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res).sort()).toEqual(['creditLimit', 'dueDate', 'phone']);
      expect(res.body.error.details.find((d: { field: string }) => d.field === 'phone').reason).toMatch(
        /not a valid mobile number/,
      );

      const abroad = await create({ externalRef: 'CRM-102', fullName: 'John Smith', country: 'US' }).expect(400);
      expect(fieldsOf(abroad)).toEqual(['timezone', 'currency']);
      expect(fieldsOf(await create({ externalRef: 'CRM-103', fullName: 'X', password: 'x' }).expect(400))).toEqual(['password']);
      expect(fieldsOf(await create({ fullName: 'X' }).expect(400))).toEqual(['externalRef']);
    });

    it('is unique by external reference', async () => {
      await create({ externalRef: 'CRM-200', fullName: 'A' }).expect(201);
      const res = await create({ externalRef: 'CRM-200', fullName: 'B' }).expect(409);
      expect(res.body.error).toMatchObject({
        code: 'CUSTOMER_EXTERNAL_REF_TAKEN',
        details: [{ field: 'externalRef', reason: 'is taken' }],
      });
    });

    it("is updated field by field, a new phone read in the customer's country", async () => {
      const { body } = await create({
        externalRef: 'CRM-300',
        fullName: 'John Smith',
        country: 'US',
        timezone: 'America/New_York',
        currency: 'USD',
        city: 'Boston',
      }).expect(201);
      const res = await t.http
        .patch(`/customers/${body.id}`)
        .auth(ops, { type: 'bearer' })
        .send({ phone: '(212) 555-0123', city: null, riskLevel: 'high' })
        .expect(200);
      expect(res.body).toMatchObject({ phone: '+12125550123', city: null, riskLevel: 'high', fullName: 'John Smith' });

      const patch = (changes: object) =>
        t.http.patch(`/customers/${body.id}`).auth(manager, { type: 'bearer' }).send(changes).expect(400);
      expect((await patch({ email: 'nope', fullName: '' })).body.error.details).toEqual([
        { field: 'fullName', reason: 'must not be empty' },
        { field: 'email', reason: 'is not an e-mail address' },
      ]);
      expect((await patch({ externalRef: 'X' })).body.error.details).toEqual([
        { field: 'externalRef', reason: 'is not an accepted field' },
      ]);
    });

    it('answers an unknown id with 404 and a malformed one with 400', async () => {
      await t.http.get('/customers/00000000-0000-4000-8000-000000000000').auth(manager, { type: 'bearer' }).expect(404);
      expect((await t.http.get('/customers/42').auth(manager, { type: 'bearer' }).expect(400)).body.error.details).toEqual([
        { field: 'id', reason: 'must be a UUID' },
      ]);
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      await create({
        externalRef: 'S-1',
        fullName: '张伟',
        phone: '13900001111',
        cardStatus: 'not_activated',
        tags: ['new_customer'],
      }).expect(201);
      await create({
        externalRef: 'S-2',
        fullName: '张敏',
        email: 'Zhang.Min@example.com',
        riskLevel: 'high',
        tags: ['vip'],
      }).expect(201);
      await create({ externalRef: 'S-3', fullName: '100%_Li', riskLevel: 'high' }).expect(201);
    });

    const search = (query: Record<string, string | number>) =>
      t.http.get('/customers').query(query).auth(ops, { type: 'bearer' }).expect(200);
    const refs = (res: { body: { items: { externalRef: string }[] } }) => res.body.items.map((c) => c.externalRef);

    it('finds by phone as people write it, e-mail in any case, part of a name and exact fields', async () => {
      expect(refs(await search({ phone: '139 0000 1111' }))).toEqual(['S-1']);
      expect(refs(await search({ email: 'zhang.min@EXAMPLE.com' }))).toEqual(['S-2']);
      expect(refs(await search({ name: '张' }))).toEqual(['S-1', 'S-2']);
      expect(refs(await search({ name: '%_' }))).toEqual(['S-3']);
      expect(refs(await search({ riskLevel: 'high', tag: 'vip' }))).toEqual(['S-2']);
      expect(refs(await search({ cardStatus: 'not_activated' }))).toEqual(['S-1']);
      expect(refs(await search({ externalRef: 'S-3' }))).toEqual(['S-3']);
    });

    it('pages through results with the total', async () => {
      const page = await search({ name: '张', limit: 1, offset: 1 });
      expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
      expect(refs(page)).toEqual(['S-2']);
    });

    it('names a bad filter', async () => {
      const phone = await t.http.get('/customers').query({ phone: 'abc' }).auth(ops, { type: 'bearer' }).expect(400);
      expect(fieldsOf(phone)).toEqual(['phone']);
      const status = await t.http
        .get('/customers')
        .query({ cardStatus: 'lost', limit: 0 })
        .auth(ops, { type: 'bearer' })
        .expect(400);
      expect(fieldsOf(status).sort()).toEqual(['cardStatus', 'limit']);
    });
  });

  describe('imports', () => {
    const post = (body: string, contentType: string, query: Record<string, string | number> = {}) =>
      t.http
        .post('/customers/imports')
        .query(query)
        .auth(manager, { type: 'bearer' })
        .set('Content-Type', contentType)
        .send(body);

    it('streams a 50,000-row CSV body into the book and reports the finished job', async () => {
      const rows = [...generateCustomers({ count: 50_000, seed: 5, today: '2025-03-14' })].map((c) => ({
        ...c,
        externalRef: `BIG-${c.externalRef}`,
      }));
      const res = await post(csvHeader() + rows.map(toCsvLine).join(''), 'text/csv; charset=utf-8').expect(201);
      expect(res.body).toMatchObject({
        status: 'succeeded',
        format: 'csv',
        mode: 'partial',
        rowsDone: 50_000,
        rowsInserted: 50_000,
        rejectedCount: 0,
      });
      expect(res.body.bytesDone).toBe(res.body.bytesTotal);

      const job = await t.http.get(`/customers/imports/${res.body.id}`).auth(manager, { type: 'bearer' }).expect(200);
      expect(job.body).toMatchObject({ id: res.body.id, status: 'succeeded', rowsTotal: 50_000, rowsTotalBasis: 'counted' });
      const [{ n }] = await t.db.query(`SELECT count(*)::int AS n FROM customers WHERE external_ref LIKE 'BIG-%'`);
      expect(n).toBe(50_000);
    });

    it('reports refused rows page by page, and all-or-nothing leaves the book untouched', async () => {
      const [good] = generateCustomers({ count: 1, seed: 6, today: '2025-03-14' });
      const lines = [
        toNdjsonLine({ ...good, externalRef: 'NJ-1' }),
        '{"external_ref":"NJ-2","full_name":"Li","phone":"12345"}\n',
        '{"external_ref":"NJ-3","full_name":""}\n',
      ].join('');
      const res = await post(lines, 'application/x-ndjson', { mode: 'all_or_nothing', expectedRows: 3 }).expect(201);
      expect(res.body).toMatchObject({
        status: 'failed',
        rejectedCount: 2,
        rowsInserted: 0,
        error: { code: 'IMPORT_ROWS_REJECTED' },
      });
      const found = await t.http.get('/customers').query({ externalRef: 'NJ-1' }).auth(manager, { type: 'bearer' }).expect(200);
      expect(found.body.total).toBe(0);

      const page = await t.http
        .get(`/customers/imports/${res.body.id}/rejections`)
        .query({ limit: 1 })
        .auth(manager, { type: 'bearer' })
        .expect(200);
      expect(page.body).toMatchObject({ total: 2, items: [{ rowNumber: 2, field: 'phone', externalRef: 'NJ-2' }] });
      const next = await t.http
        .get(`/customers/imports/${res.body.id}/rejections`)
        .query({ limit: 1, offset: 1 })
        .auth(manager, { type: 'bearer' });
      expect(next.body.items).toEqual([expect.objectContaining({ rowNumber: 3, field: 'full_name', reason: 'is required' })]);
    });

    it('lists imports newest first', async () => {
      const first = await post('external_ref,full_name\nL-1,Li\n', 'text/csv').expect(201);
      const second = await post('{"external_ref":"L-2","full_name":"Wang"}', 'application/x-ndjson').expect(201);
      const res = await t.http.get('/customers/imports').query({ limit: 2 }).auth(manager, { type: 'bearer' }).expect(200);
      expect(res.body.items.map((job: { id: string }) => job.id)).toEqual([second.body.id, first.body.id]);
    });

    it('answers a wrong content type with 415, a bad mode with 400 and an unknown import with 404', async () => {
      expect((await post('{}', 'application/json').expect(415)).body.error.code).toBe('IMPORT_UNSUPPORTED_MEDIA_TYPE');
      expect(fieldsOf(await post('external_ref,full_name\n', 'text/csv', { mode: 'some' }).expect(400))).toEqual(['mode']);
      await t.http.get('/customers/imports/00000000-0000-4000-8000-000000000000').auth(manager, { type: 'bearer' }).expect(404);
    });

    it('documents the endpoints in the OpenAPI description', async () => {
      const { body } = await t.http.get('/docs-json').expect(200);
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/customers',
          '/customers/{id}',
          '/customers/imports',
          '/customers/imports/{id}',
          '/customers/imports/{id}/rejections',
        ]),
      );
      expect(Object.keys(body.paths['/customers/imports'].post.requestBody.content)).toEqual([
        'text/csv',
        'application/x-ndjson',
      ]);
    });
  });
});
