import { startTestApp, TestApp } from '../support/test-app';

describe('foundation over HTTP', () => {
  let t: TestApp;
  let adminKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    adminKey = await t.keyFor('admin');
  });
  afterAll(() => t.close());

  describe('who may do what', () => {
    it('refuses a request without a key with 401 and a correlation id', async () => {
      const res = await t.http.get('/users').expect(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
      expect(res.body.correlationId).toBe(res.headers['x-correlation-id']);
    });

    it('refuses an unknown key with 401', async () => {
      await t.http.get('/users').set('Authorization', 'Bearer hk_not_a_real_key').expect(401);
    });

    it('refuses an agent on an admin endpoint with 403', async () => {
      const agent = await t.keyFor('agent');
      const res = await t.http.get('/users').auth(agent, { type: 'bearer' }).expect(403);
      expect(res.body.error.code).toBe('FORBIDDEN_FOR_ROLE');
    });

    it('lets an admin create a user and issue a key that then works, and revoke it', async () => {
      const created = await t.http
        .post('/users')
        .auth(adminKey, { type: 'bearer' })
        .send({ username: 'zhang.min', displayName: 'Zhang Min', role: 'ops' })
        .expect(201);
      const issued = await t.http
        .post(`/users/${created.body.id}/keys`)
        .auth(adminKey, { type: 'bearer' })
        .send({ label: 'laptop' })
        .expect(201);
      expect(issued.body.key).toMatch(/^hk_/);
      await t.http.get('/audit').auth(issued.body.key, { type: 'bearer' }).expect(200);

      const [{ hash }] = await t.db.query('SELECT encode(hash, $2) AS hash FROM api_keys WHERE id = $1', [issued.body.id, 'hex']);
      expect(hash).not.toContain(Buffer.from(issued.body.key).toString('hex'));

      await t.http.delete(`/users/${created.body.id}/keys/${issued.body.id}`).auth(adminKey, { type: 'bearer' }).expect(204);
      await t.http.get('/audit').auth(issued.body.key, { type: 'bearer' }).expect(401);
    });

    it('refuses every key of a disabled user', async () => {
      const created = await t.http
        .post('/users')
        .auth(adminKey, { type: 'bearer' })
        .send({ username: 'leaver', displayName: 'Leaver', role: 'ops' })
        .expect(201);
      const { body } = await t.http
        .post(`/users/${created.body.id}/keys`)
        .auth(adminKey, { type: 'bearer' })
        .send({ label: 'x' });
      await t.http.patch(`/users/${created.body.id}`).auth(adminKey, { type: 'bearer' }).send({ disabled: true }).expect(200);
      await t.http.get('/audit').auth(body.key, { type: 'bearer' }).expect(401);
    });

    it('answers a taken username with 409 naming the field', async () => {
      const send = () =>
        t.http.post('/users').auth(adminKey, { type: 'bearer' }).send({ username: 'twice', displayName: 'T', role: 'agent' });
      await send().expect(201);
      const res = await send().expect(409);
      expect(res.body.error).toMatchObject({ code: 'USERNAME_TAKEN', details: [{ field: 'username', reason: 'is taken' }] });
    });
  });

  describe('validation', () => {
    it('names an unknown body field', async () => {
      const res = await t.http
        .post('/users')
        .auth(adminKey, { type: 'bearer' })
        .send({ username: 'wang.fang', displayName: 'Wang Fang', role: 'agent', isRoot: true })
        .expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toContainEqual({ field: 'isRoot', reason: 'is not an accepted field' });
    });

    it('names a field with a bad value and the reason', async () => {
      const res = await t.http
        .post('/users')
        .auth(adminKey, { type: 'bearer' })
        .send({ username: 'x y', displayName: 'X', role: 'superuser' })
        .expect(400);
      const fields = res.body.error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['username', 'role']));
    });

    it('names a malformed path id', async () => {
      const res = await t.http.get('/users/not-a-uuid').auth(adminKey, { type: 'bearer' }).expect(400);
      expect(res.body.error.details).toEqual([{ field: 'id', reason: 'must be a UUID' }]);
    });

    it('refuses a body nested beyond reason with 400, not a stack overflow', async () => {
      const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
      const res = await t.http
        .post('/users')
        .auth(adminKey, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send(deep)
        .expect(400);
      expect(res.body.error.details).toEqual([{ field: 'body', reason: 'is nested deeper than 64 levels' }]);
    });

    it('answers malformed JSON with 400, not 500', async () => {
      const res = await t.http
        .post('/users')
        .auth(adminKey, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send('{"username": ')
        .expect(400);
      expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/JSON/) });
    });
  });

  describe('audit', () => {
    it('records state changes, refusals included, with actor and correlation id', async () => {
      const agent = await t.keyFor('agent');
      await t.http
        .post('/users')
        .auth(agent, { type: 'bearer' })
        .set('X-Request-Id', 'refused-create-1')
        .send({ username: 'nope', displayName: 'N', role: 'admin' })
        .expect(403);
      await t.http
        .post('/users')
        .auth(adminKey, { type: 'bearer' })
        .set('X-Request-Id', 'accepted-create-1')
        .send({ username: 'audited', displayName: 'A', role: 'agent' })
        .expect(201);

      // The audit row is written when the response finishes; give it a moment.
      await new Promise((r) => setTimeout(r, 100));
      const ops = await t.keyFor('ops');
      const res = await t.http.get('/audit').query({ action: 'users.create' }).auth(ops, { type: 'bearer' }).expect(200);
      const byCorrelation = Object.fromEntries(res.body.items.map((e: { correlationId: string }) => [e.correlationId, e]));
      expect(byCorrelation['refused-create-1']).toMatchObject({ status: 403, actorRole: 'agent' });
      expect(byCorrelation['accepted-create-1']).toMatchObject({ status: 201, actorRole: 'admin' });
      expect(byCorrelation['accepted-create-1'].target).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('is readable by ops and admins only', async () => {
      await t.http
        .get('/audit')
        .auth(await t.keyFor('campaign_manager'), { type: 'bearer' })
        .expect(403);
    });
  });

  describe('operations', () => {
    it('reports readiness including the database', async () => {
      const res = await t.http.get('/health').expect(200);
      expect(res.body.info.database.status).toBe('up');
      await t.http.get('/health/live').expect(200);
    });

    it('exposes Prometheus metrics by route pattern', async () => {
      await t.http.get('/users/00000000-0000-0000-0000-000000000000').auth(adminKey, { type: 'bearer' }).expect(404);
      const res = await t.http
        .get('/metrics')
        .auth(await t.keyFor('ops'), { type: 'bearer' })
        .expect(200);
      expect(res.text).toContain('herald_http_requests_total{method="GET",route="/users/:id",status="404"}');
    });

    it('serves the OpenAPI document with bearer auth and the DTOs', async () => {
      const res = await t.http.get('/docs-json').expect(200);
      expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(res.body.components.schemas.CreateUserDto.required).toEqual(['username', 'displayName', 'role']);
      await t.http.get('/docs').expect(200);
    });
  });
});
