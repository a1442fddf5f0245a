import { startTestApp, TestApp } from '../support/test-app';

/** The bad input of issue 14 by name: each a 4xx with the standard error shape, never a 500. */
describe('bad input never 500s', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.keyFor('admin');
  });
  afterAll(() => t.close());

  const as = () => ({ Authorization: `Bearer ${admin}` });
  const fields = (body: { error: { details?: { field: string }[] } }) => body.error.details?.map((d) => d.field);

  it('answers a NUL byte in a query string with 400 naming the parameter (customers, audit)', async () => {
    const customers = await t.http.get('/customers?name=a%00b').set(as()).expect(400);
    expect(customers.body.error.code).toBe('VALIDATION_FAILED');
    expect(fields(customers.body)).toEqual(['name']);
    const audit = await t.http.get('/audit?action=a%00b').set(as()).expect(400);
    expect(fields(audit.body)).toEqual(['action']);
  });

  it('answers a NUL character in a JSON body with 400 naming the field', async () => {
    const res = await t.http
      .post('/segments')
      .set(as())
      .send({ name: 'a\u0000b', rule: { field: 'country', op: 'eq', value: 'CN' } })
      .expect(400);
    expect(fields(res.body)).toEqual(['name']);
  });

  it('answers an offset beyond bigint with 400 naming it, on every list route', async () => {
    const doc = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
    };
    const lists = Object.entries(doc.paths)
      .filter(
        ([path, methods]) => !path.includes('{') && methods.get?.parameters?.some((p) => p.in === 'query' && p.name === 'offset'),
      )
      .map(([path]) => path);
    expect(lists.length).toBeGreaterThanOrEqual(9);
    for (const path of lists) {
      for (const offset of ['99999999999999999999', '1e30', '9223372036854775808']) {
        const res = await t.http.get(path).query({ offset }).set(as());
        expect([path, offset, res.status, fields(res.body)]).toEqual([path, offset, 400, ['offset']]);
      }
    }
  });

  it('answers a body over the size limit with 413, the standard error shape and a correlation id', async () => {
    const res = await t.http
      .post('/customers')
      .set(as())
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'too-big-1')
      .send(JSON.stringify({ fullName: 'x'.repeat(2_000_000) }))
      .expect(413);
    expect(res.body).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than this endpoint takes' },
      correlationId: 'too-big-1',
    });
    expect(res.headers['x-correlation-id']).toBe('too-big-1');
    const generated = await t.http
      .post('/customers')
      .set(as())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ fullName: 'x'.repeat(2_000_000) }))
      .expect(413);
    expect(generated.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers['x-correlation-id']).toBe(generated.body.correlationId);
  });

  it('answers a duplicate campaign name with 409 naming the field, as segments do', async () => {
    const campaign = {
      name: 'Duplicate me',
      purpose: 'service',
      audience: { customerRefs: ['X'] },
      plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
      startsAt: '2026-11-23T00:00:00Z',
      endsAt: '2026-11-30T00:00:00Z',
    };
    await t.http.post('/campaigns').set(as()).send(campaign).expect(201);
    const again = await t.http.post('/campaigns').set(as()).send(campaign).expect(409);
    expect(again.body.error).toMatchObject({ code: 'CAMPAIGN_NAME_TAKEN', details: [{ field: 'name', reason: 'is taken' }] });
    const segment = { name: 'Duplicate me', rule: { field: 'country', op: 'eq', value: 'CN' } };
    await t.http.post('/segments').set(as()).send(segment).expect(201);
    const twice = await t.http.post('/segments').set(as()).send(segment).expect(409);
    expect(twice.body.error).toMatchObject({ code: 'SEGMENT_NAME_TAKEN', details: [{ field: 'name', reason: 'is taken' }] });
  });

  it('ends a CSV import of binary bytes as failed with a reason, never left running', async () => {
    const binary = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 37) % 256));
    const res = await t.http.post('/customers/imports').set(as()).set('Content-Type', 'text/csv').send(binary).expect(201);
    expect(res.body).toMatchObject({ status: 'failed', error: { code: 'IMPORT_NOT_TEXT' } });
    expect(res.body.error.message).toMatch(/not UTF-8 text/);
    const job = await t.http.get(`/customers/imports/${res.body.id}`).set(as()).expect(200);
    expect(job.body.status).toBe('failed');
  });

  it('refuses a row whose value holds a NUL character, and keeps the others', async () => {
    const file = ['{"external_ref":"NUL-1","full_name":"a\\u0000b"}', '{"external_ref":"NUL-2","full_name":"Fine"}', ''].join(
      '\n',
    );
    const res = await t.http
      .post('/customers/imports')
      .set(as())
      .set('Content-Type', 'application/x-ndjson')
      .send(file)
      .expect(201);
    expect(res.body).toMatchObject({ status: 'succeeded', rowsInserted: 1, rejectedCount: 1 });
    const rejections = await t.http.get(`/customers/imports/${res.body.id}/rejections`).set(as()).expect(200);
    expect(rejections.body.items).toEqual([
      expect.objectContaining({ rowNumber: 1, field: 'full_name', reason: 'must not contain NUL characters' }),
    ]);
  });
});
