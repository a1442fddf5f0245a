import { ManualClock } from '../../src/common/clock';
import { IdempotencyKeyRepository } from '../../src/idempotency/idempotency-key.repository';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-23T02:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

/** `Idempotency-Key` over HTTP on a real database: a retry answers the first answer and acts once. */
describe('idempotency keys', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let integration: string;
  let manager: string;

  beforeAll(async () => {
    t = await startTestApp({ SMS_PER_SECOND: '0', EMAIL_PER_SECOND: '0', CALLS_PER_SECOND: '0' }, { clock });
    [integration, manager] = await Promise.all([t.keyFor('integration'), t.keyFor('campaign_manager')]);
  });
  afterAll(() => t.close());
  afterEach(() => clock.set(NOW));

  const post = (path: string, body: object, key: string, bearer = integration) =>
    t.http.post(path).set('Authorization', `Bearer ${bearer}`).set('Idempotency-Key', key).send(body);
  const count = async (sql: string, params: unknown[]) => Number((await t.db.query(sql, params))[0].n);

  describe('POST /payments', () => {
    const payment = (externalRef: string, reference: string, amount = 4_000) => ({
      externalRef,
      amount,
      currency: 'CNY',
      paidAt: '2026-11-23T01:00:00Z',
      reference,
    });

    it('answers a retry with the first answer, and books the payment once', async () => {
      const c = await store.customer(t.db, { minimumDue: 10_000 });
      const first = await post('/payments', payment(c.externalRef, 'IDEM-1'), 'pay-1').expect(201);
      expect(first.body).toMatchObject({ duplicate: false, paidThisCycle: 4_000 });
      expect(first.headers['idempotent-replayed']).toBeUndefined();

      const retry = await post('/payments', payment(c.externalRef, 'IDEM-1'), 'pay-1').expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      // The first answer word for word: the handler did not run again (it would say `duplicate: true`).
      expect(retry.text).toBe(first.text);
      expect(await count(`SELECT count(*) AS n FROM payments WHERE customer_id = $1`, [c.id])).toBe(1);
      const [{ paid }] = await t.db.query(`SELECT paid_this_cycle AS paid FROM customers WHERE id = $1`, [c.id]);
      expect(Number(paid)).toBe(4_000);
    });

    it('refuses the key with another body (422 naming the key), and keeps the first answer', async () => {
      const c = await store.customer(t.db);
      await post('/payments', payment(c.externalRef, 'IDEM-2'), 'pay-2').expect(201);
      const other = await post('/payments', payment(c.externalRef, 'IDEM-2', 5_000), 'pay-2').expect(422);
      expect(other.body.error).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        details: [{ field: 'Idempotency-Key', reason: 'was first used for a different request' }],
      });
      expect(other.body.error.message).toContain('"pay-2"');
      // Another endpoint with the same key is another request too.
      await post(`/customers/${c.id}/consent`, { channel: 'sms', scope: 'all', state: 'revoked' }, 'pay-2').expect(422);
      await post('/payments', payment(c.externalRef, 'IDEM-2'), 'pay-2').expect(201);
    });

    it('frees the key of a request that failed: the corrected request acts', async () => {
      const c = await store.customer(t.db);
      const wrong = await post('/payments', { ...payment(c.externalRef, 'IDEM-3'), currency: 'USD' }, 'pay-3').expect(422);
      expect(wrong.body.error.code).toBe('PAYMENT_CURRENCY_MISMATCH');
      const right = await post('/payments', payment(c.externalRef, 'IDEM-3'), 'pay-3').expect(201);
      expect(right.headers['idempotent-replayed']).toBeUndefined();
      expect(right.body.duplicate).toBe(false);
    });

    it('keeps keys apart per caller, and forgets them after 24 h', async () => {
      const c = await store.customer(t.db);
      await post('/payments', payment(c.externalRef, 'IDEM-4'), 'pay-4').expect(201);
      const otherCaller = await post('/payments', payment(c.externalRef, 'IDEM-4'), 'pay-4', await t.keyFor('integration'));
      expect(otherCaller.status).toBe(201);
      expect(otherCaller.body.duplicate).toBe(true);

      clock.advance(DAY - 1);
      await post('/payments', payment(c.externalRef, 'IDEM-5'), 'pay-4').expect(422);
      clock.advance(1);
      const later = await post('/payments', payment(c.externalRef, 'IDEM-5'), 'pay-4').expect(201);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
      expect(later.body.duplicate).toBe(false);

      clock.advance(DAY);
      expect(await t.app.get(IdempotencyKeyRepository).deleteExpired(clock.now())).toBeGreaterThanOrEqual(1);
      expect(await count(`SELECT count(*) AS n FROM idempotency_keys WHERE key = 'pay-4'`, [])).toBe(0);
    });

    it('acts once for 20 identical requests at the same moment', async () => {
      const c = await store.customer(t.db, { minimumDue: 10_000 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => post('/payments', payment(c.externalRef, 'IDEM-6'), 'pay-6')),
      );
      const done = answers.filter((a) => a.status === 201);
      const waiting = answers.filter((a) => a.status === 409);
      expect(done.length + waiting.length).toBe(20);
      expect(done.length).toBeGreaterThanOrEqual(1);
      for (const w of waiting) {
        expect(w.body.error.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
        expect(w.headers['retry-after']).toBe('1');
      }
      // Every success is the one booking's answer; none is the reference de-duplication's.
      expect(new Set(done.map((a) => a.text)).size).toBe(1);
      expect(done[0].body.duplicate).toBe(false);
      const retry = await post('/payments', payment(c.externalRef, 'IDEM-6'), 'pay-6').expect(201);
      expect(retry.text).toBe(done[0].text);
      expect(await count(`SELECT count(*) AS n FROM payments WHERE customer_id = $1`, [c.id])).toBe(1);
    });
  });

  it('records a consent fact once for 20 identical requests at the same moment', async () => {
    const c = await store.customer(t.db);
    const body = { channel: 'sms', scope: 'marketing', state: 'revoked', evidence: { note: 'asked by phone' } };
    const before = await count(`SELECT count(*) AS n FROM consent_events WHERE customer_id = $1`, [c.id]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(`/customers/${c.id}/consent`, body, 'consent-1')));
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM consent_events WHERE customer_id = $1`, [c.id])).toBe(before + 1);
    const retry = await post(`/customers/${c.id}/consent`, body, 'consent-1').expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await count(`SELECT count(*) AS n FROM consent_events WHERE customer_id = $1`, [c.id])).toBe(before + 1);
  });

  it('launches a campaign once: a retried launch answers the launch, not CAMPAIGN_NOT_DRAFT', async () => {
    const [a, b] = [await store.customer(t.db), await store.customer(t.db)];
    const draft = {
      name: 'Idempotent reminders',
      purpose: 'service',
      audience: { customerRefs: [a.externalRef, b.externalRef] },
      plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
      startsAt: '2026-11-23T00:00:00Z',
      endsAt: '2026-11-30T00:00:00Z',
    };
    const created = await post('/campaigns', draft, 'create-1', manager).expect(201);
    const again = await post('/campaigns', draft, 'create-1', manager).expect(201);
    expect(again.body.id).toBe(created.body.id);
    expect(await count(`SELECT count(*) AS n FROM campaigns WHERE name = $1`, [draft.name])).toBe(1);

    const id = created.body.id;
    const launched = await post(`/campaigns/${id}/launch`, {}, 'launch-1', manager).expect(200);
    expect(launched.body.status).toBe('running');
    const tasks = await count(`SELECT count(*) AS n FROM contact_tasks WHERE campaign_id = $1`, [id]);
    expect(tasks).toBe(2);

    const retry = await post(`/campaigns/${id}/launch`, {}, 'launch-1', manager).expect(200);
    expect(retry.text).toBe(launched.text);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await count(`SELECT count(*) AS n FROM contact_tasks WHERE campaign_id = $1`, [id])).toBe(tasks);
    // Without a key a second launch is what it always was: a conflict.
    await t.http.post(`/campaigns/${id}/launch`).set('Authorization', `Bearer ${manager}`).expect(409);
  });

  describe('file uploads (the do-not-contact list, customer imports): the key covers the file', () => {
    const upload = (path: string, file: string, key: string, bearer: string, type = 'text/csv') =>
      t.http.post(path).set('Authorization', `Bearer ${bearer}`).set('Idempotency-Key', key).set('Content-Type', type).send(file);

    it('lists a do-not-contact file once for a retry and for 20 identical uploads, and refuses another file with the key', async () => {
      const ops = await t.keyFor('ops');
      const file = 'value\n+8613600136201\nidem-dnc@example.cn\n';
      const listed = () =>
        count(`SELECT count(*) AS n FROM do_not_contact WHERE value IN ('+8613600136201', 'idem-dnc@example.cn')`, []);
      const first = await upload('/do-not-contact/import', file, 'dnc-1', ops).expect(200);
      expect(first.body).toMatchObject({ lines: 2, added: 2 });
      const retry = await upload('/do-not-contact/import', file, 'dnc-1', ops).expect(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      // The first answer, not what a second import would say (`alreadyListed: 2`).
      expect(retry.body).toEqual(first.body);
      expect(await listed()).toBe(2);

      const other = await upload('/do-not-contact/import', 'value\n+8613600136202\n', 'dnc-1', ops).expect(422);
      expect(other.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: [{ field: 'Idempotency-Key' }] });
      expect(other.body.error.message).toContain('"dnc-1"');
      // The same bytes sent as another type are another request.
      await upload('/do-not-contact/import', file, 'dnc-1', ops, 'text/plain').expect(422);

      const many = 'value\n+8613600136203\n+8613600136204\n';
      const answers = await Promise.all(Array.from({ length: 20 }, () => upload('/do-not-contact/import', many, 'dnc-2', ops)));
      expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      const done = answers.filter((a) => a.status === 200);
      expect(done.length).toBeGreaterThanOrEqual(1);
      expect(done.every((a) => a.body.added === 2)).toBe(true);
      expect(
        await count(`SELECT count(*) AS n FROM do_not_contact WHERE value IN ('+8613600136203', '+8613600136204')`, []),
      ).toBe(2);
    });

    it('imports a customer file once: a retry answers the first import, with no second job', async () => {
      const ops = await t.keyFor('ops');
      const file =
        'external_ref,full_name,phone,country,timezone,consent_sms\nIDEM-IMP-1,Idem One,+8613600136301,CN,Asia/Shanghai,revoked\n';
      const first = await upload('/customers/imports', file, 'import-1', ops).expect(201);
      expect(first.body).toMatchObject({ status: 'succeeded', rowsInserted: 1 });
      const retry = await upload('/customers/imports', file, 'import-1', ops).expect(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body.id).toBe(first.body.id);
      expect(await count(`SELECT count(*) AS n FROM customer_imports`, [])).toBe(1);
      await upload('/customers/imports', file.replace('Idem One', 'Idem Two'), 'import-1', ops).expect(422);
    });
  });

  it('pauses a campaign once: a retried pause answers the pause, not CAMPAIGN_BAD_TRANSITION', async () => {
    const c = await store.customer(t.db);
    const draft = {
      name: 'Idempotent pause',
      purpose: 'service',
      audience: { customerRefs: [c.externalRef] },
      plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
      startsAt: '2026-11-23T00:00:00Z',
      endsAt: '2026-11-30T00:00:00Z',
    };
    const { body: created } = await post('/campaigns', draft, 'pause-create', manager).expect(201);
    await post(`/campaigns/${created.id}/launch`, {}, 'pause-launch', manager).expect(200);
    const paused = await post(`/campaigns/${created.id}/pause`, {}, 'pause-1', manager).expect(200);
    expect(paused.body.status).toBe('paused');
    const retry = await post(`/campaigns/${created.id}/pause`, {}, 'pause-1', manager).expect(200);
    expect(retry.text).toBe(paused.text);
    await t.http.post(`/campaigns/${created.id}/pause`).set('Authorization', `Bearer ${manager}`).expect(409);
  });

  it('names the header when the key cannot be one', async () => {
    const res = await post('/payments', {}, 'has a space').expect(400);
    expect(res.body.error).toMatchObject({
      code: 'IDEMPOTENCY_KEY_INVALID',
      details: [{ field: 'Idempotency-Key', reason: 'must be 1 to 255 visible ASCII characters' }],
    });
    await post('/payments', {}, 'k'.repeat(256)).expect(400);
  });

  it('declares the header on the routes that take it', async () => {
    const { body: doc } = await t.http.get('/docs-json').expect(200);
    const takes = (path: string) =>
      (doc.paths[path].post.parameters ?? []).some(
        (p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
    for (const path of [
      '/payments',
      '/campaigns',
      '/campaigns/{id}/launch',
      '/customers/{id}/promise-to-pay',
      '/customers/{id}/dispositions',
      '/customers/{id}/consent',
      '/transactions',
      '/campaigns/{id}/approve',
      '/campaigns/{id}/reject',
      '/campaigns/{id}/pause',
      '/campaigns/{id}/resume',
      '/campaigns/{id}/cancel',
      '/do-not-contact',
      '/do-not-contact/import',
      '/customers/imports',
      '/customers/{id}/erasure',
      '/sandbox/replies',
      '/jobs/repayment/runs',
    ]) {
      expect([path, takes(path)]).toEqual([path, true]);
    }
    expect(takes('/segments/preview')).toBe(false);
  });
});
