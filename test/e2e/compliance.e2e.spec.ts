import { ManualClock } from '../../src/common/clock';
import { agentTask } from '../support/agent-work';
import { insertAttempt, insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = '2026-03-10T04:00:00Z'; // Tuesday 12:00 in Shanghai

describe('the contact policy over HTTP', () => {
  let t: TestApp;
  let keys: Record<'admin' | 'agent' | 'ops' | 'campaign_manager' | 'integration', string>;
  let customer: string;
  const clock = new ManualClock(new Date(NOW));

  beforeAll(async () => {
    t = await startTestApp({ POLICY_OVERRIDES: JSON.stringify({ cn: { caps: { CAP_DAILY_TOTAL: { limit: 4 } } } }) }, { clock });
    const agent = await t.userFor('agent');
    keys = {
      admin: await t.keyFor('admin'),
      agent: agent.key,
      ops: await t.keyFor('ops'),
      campaign_manager: await t.keyFor('campaign_manager'),
      integration: await t.keyFor('integration'),
    };
    customer = await insertCustomer(t.db, { phone: '+8613600136001', email: 'wang.fang@example.cn' });
    // The agent acts on the customer through a task it holds (agent-access.rules.ts).
    await agentTask(t.db, { customerId: customer, takenBy: agent.id });
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(NOW));

  const get = (path: string, role: keyof typeof keys) => t.http.get(path).auth(keys[role], { type: 'bearer' });
  const post = (path: string, role: keyof typeof keys) => t.http.post(path).auth(keys[role], { type: 'bearer' });

  describe('GET /policy', () => {
    it('shows the effective packs, tightened by configuration, to every role', async () => {
      const res = await get('/policy', 'agent').expect(200);
      expect(res.body.defaultPack).toBe('cn');
      expect(res.body.countryPacks).toEqual({ US: 'us' });
      const [cn, us] = res.body.packs;
      expect(cn).toMatchObject({
        name: 'cn',
        countries: 'every country not mapped to another pack',
        contactHours: { collections: { call: '08:00-22:00' }, fraud: { sms: 'any', call: '07:00-23:00' } },
        caps: { CAP_DAILY_TOTAL: { limit: 4, window: { localDays: 1 } }, CAP_CN_CONNECTED_CALLS_DAY: { limit: 3 } },
        holidayData: expect.stringMatching(/^chinese-days /),
      });
      expect(us).toMatchObject({
        name: 'us',
        countries: ['US'],
        caps: { CAP_US_CALLS_7D: { limit: 7 }, CAP_DAILY_TOTAL: { limit: 5 } },
      });
      expect(res.body.reasonCodes).toContain('QUIET_HOURS');
    });
  });

  describe('consent', () => {
    it('records what an agent heard and what an integration sent, with their source and evidence', async () => {
      const byAgent = await post(`/customers/${customer}/consent`, 'agent')
        .send({ channel: 'sms', scope: 'marketing', state: 'granted', evidence: { callId: 'CA1' } })
        .expect(201);
      expect(byAgent.body).toMatchObject({
        customerId: customer,
        channel: 'sms',
        scope: 'marketing',
        state: 'granted',
        source: 'agent',
        evidence: { callId: 'CA1', role: 'agent' },
        changed: true,
      });
      const byIntegration = await post(`/customers/${customer}/consent`, 'integration')
        .send({ channel: 'email', scope: 'all', state: 'revoked', at: '2026-03-09T10:00:00Z' })
        .expect(201);
      expect(byIntegration.body).toMatchObject({ source: 'api', at: '2026-03-09T10:00:00.000Z' });

      const res = await get(`/customers/${customer}/consent?limit=1`, 'ops').expect(200);
      expect(res.body.current.sms.marketing).toMatchObject({ state: 'granted', source: 'agent' });
      expect(res.body.current.email.all).toMatchObject({ state: 'revoked', source: 'api' });
      expect(res.body.history).toMatchObject({ total: 2, limit: 1, offset: 0, items: [{ source: 'agent' }] });
    });

    it('refuses bad input, naming the field, and unknown customers', async () => {
      const res = await post(`/customers/${customer}/consent`, 'agent')
        .send({ channel: 'fax', scope: 'promo', state: 'granted' })
        .expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['channel', 'scope']));
      const future = await post(`/customers/${customer}/consent`, 'agent')
        .send({ channel: 'sms', scope: 'all', state: 'revoked', at: '2027-01-01T00:00:00Z' })
        .expect(400);
      expect(future.body.error.details).toEqual([{ field: 'at', reason: 'must not be in the future' }]);
      await post('/customers/00000000-0000-4000-8000-000000000404/consent', 'ops')
        .send({ channel: 'sms', scope: 'all', state: 'revoked' })
        .expect(404);
      await get('/customers/00000000-0000-4000-8000-000000000404/consent', 'ops').expect(404);
      // To an agent, an unknown customer is one it holds no task for: nothing disclosed.
      await get('/customers/00000000-0000-4000-8000-000000000404/consent', 'agent').expect(403);
    });

    it('is not for campaign managers', async () => {
      await post(`/customers/${customer}/consent`, 'campaign_manager')
        .send({ channel: 'sms', scope: 'all', state: 'revoked' })
        .expect(403);
    });
  });

  describe('GET /customers/:id/eligibility', () => {
    it('explains a deferral by a tightened cap, in local time and UTC', async () => {
      const id = await insertCustomer(t.db);
      for (const hour of [1, 2, 3, 4])
        await insertAttempt(t.db, id, { at: Date.parse(`2026-03-10T0${hour - 1}:00:00Z`), channel: 'sms' });
      const res = await get(`/customers/${id}/eligibility?purpose=collections&channel=sms`, 'campaign_manager').expect(200);
      expect(res.body).toMatchObject({
        customerId: id,
        purpose: 'collections',
        channel: 'sms',
        allowed: false,
        final: false,
        pack: 'cn',
        timeZone: 'Asia/Shanghai',
        at: { utc: '2026-03-10T04:00:00.000Z', local: '2026-03-10T12:00:00+08:00' },
        nextAllowedAt: { utc: '2026-03-11T00:00:00.000Z', local: '2026-03-11T08:00:00+08:00' },
      });
      expect(res.body.reasons).toEqual([
        {
          code: 'CAP_DAILY_TOTAL',
          message: '4 contacts already today; at most 4 a day',
          params: { limit: 4, windowLocalDays: 1, counted: 4, zone: 'Asia/Shanghai' },
          until: { utc: '2026-03-10T16:00:00.000Z', local: '2026-03-11T00:00:00+08:00' },
        },
        expect.objectContaining({ code: 'QUIET_HOURS', deferral: true }),
      ]);
    });

    it('allows a fraud alert at night and takes the critical flag for calls', async () => {
      clock.set('2026-03-10T18:00:00Z'); // 02:00 in Shanghai
      const sms = await get(
        `/customers/${customer}/eligibility?purpose=fraud&channel=sms&fraudEventRef=F9`,
        'integration',
      ).expect(200);
      expect(sms.body).toMatchObject({ allowed: true, reasons: [] });
      const call = await get(`/customers/${customer}/eligibility?purpose=fraud&channel=call`, 'agent').expect(200);
      expect(call.body.reasons[0].code).toBe('QUIET_HOURS');
      const critical = await get(
        `/customers/${customer}/eligibility?purpose=fraud&channel=call&fraudCritical=true`,
        'agent',
      ).expect(200);
      expect(critical.body.allowed).toBe(true);
    });

    it('names a missing or unknown purpose', async () => {
      const res = await get(`/customers/${customer}/eligibility?channel=sms`, 'ops').expect(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('purpose');
      await get(`/customers/${customer}/eligibility?purpose=lottery&channel=sms`, 'ops').expect(400);
    });
  });

  describe('the do-not-contact list', () => {
    it('adds, finds, blocks everything but fraud alerts, and removes', async () => {
      const id = await insertCustomer(t.db, { phone: '+8613600136999' });
      const added = await post('/do-not-contact', 'ops').send({ value: '136 0013 6999', reason: 'complaint' }).expect(201);
      expect(added.body).toMatchObject({ kind: 'phone', value: '+8613600136999', reason: 'complaint' });
      await post('/do-not-contact', 'ops').send({ value: '+8613600136999' }).expect(409);

      const found = await get('/do-not-contact?value=%2B8613600136999', 'ops').expect(200);
      expect(found.body).toMatchObject({ total: 1, items: [{ id: added.body.id }] });
      const blocked = await get(`/customers/${id}/eligibility?purpose=service&channel=call`, 'ops').expect(200);
      expect(blocked.body).toMatchObject({
        allowed: false,
        final: true,
        reasons: [{ code: 'DO_NOT_CONTACT', params: { kind: 'phone' } }],
      });
      expect(blocked.body.nextAllowedAt).toBeUndefined();
      await get(`/customers/${id}/eligibility?purpose=fraud&channel=call`, 'ops')
        .expect(200)
        .expect(({ body }) => expect(body.allowed).toBe(true));

      await t.http.delete(`/do-not-contact/${added.body.id}`).auth(keys.ops, { type: 'bearer' }).expect(204);
      await t.http.delete(`/do-not-contact/${added.body.id}`).auth(keys.ops, { type: 'bearer' }).expect(404);
      const clear = await get(`/customers/${id}/eligibility?purpose=service&channel=call`, 'ops').expect(200);
      expect(clear.body.allowed).toBe(true);
    });

    it('imports a CSV body and reports what it did', async () => {
      const res = await post('/do-not-contact/import?reason=carrier%20list', 'ops')
        .set('Content-Type', 'text/csv')
        .send('value\n+8613600136101\nimport@example.cn\n+8613600136101\nbroken\n')
        .expect(200);
      expect(res.body).toMatchObject({ lines: 4, added: 2, alreadyListed: 1, invalid: 1, problems: [{ line: 5 }] });
      await post('/do-not-contact/import', 'ops').set('Content-Type', 'application/json').send({ value: 'x' }).expect(415);
    });

    it('is for ops', async () => {
      await post('/do-not-contact', 'agent').send({ value: '+8613600136102' }).expect(403);
      await get('/do-not-contact', 'campaign_manager').expect(403);
    });
  });

  describe('POST /policy/reachability', () => {
    it('counts an unsaved rule’s audience per channel', async () => {
      const res = await post('/policy/reachability', 'campaign_manager')
        .send({ rule: { field: 'country', op: 'eq', value: 'CN' }, purpose: 'marketing' })
        .expect(200);
      expect(res.body.purpose).toBe('marketing');
      expect(res.body.total).toBeGreaterThan(0);
      for (const channel of ['sms', 'email', 'call']) {
        const counts = res.body.channels[channel];
        expect(Object.values(counts).reduce((a, b) => (a as number) + (b as number), 0)).toBe(res.body.total);
      }
      // The customer granted marketing SMS consent above and is inside contact hours at noon.
      expect(res.body.channels.sms.reachableNow).toBeGreaterThanOrEqual(1);
      expect(res.body.channels.email.reachableNow).toBe(0);
    });

    it('counts a saved segment’s audience', async () => {
      const segment = await post('/segments', 'campaign_manager')
        .send({ name: 'policy e2e', rule: { field: 'country', op: 'eq', value: 'CN' } })
        .expect(201);
      const bySegment = await post('/policy/reachability', 'ops')
        .send({ segmentId: segment.body.id, purpose: 'service' })
        .expect(200);
      const byRule = await post('/policy/reachability', 'ops')
        .send({ rule: { field: 'country', op: 'eq', value: 'CN' }, purpose: 'service' })
        .expect(200);
      expect(bySegment.body.channels).toEqual(byRule.body.channels);
    });

    it('wants exactly one audience and a known rule', async () => {
      await post('/policy/reachability', 'ops').send({ purpose: 'service' }).expect(400);
      await post('/policy/reachability', 'ops')
        .send({
          purpose: 'service',
          segmentId: '00000000-0000-4000-8000-000000000001',
          rule: { field: 'country', op: 'eq', value: 'CN' },
        })
        .expect(400);
      await post('/policy/reachability', 'ops')
        .send({ purpose: 'service', rule: { field: 'shoeSize', op: 'eq', value: 1 } })
        .expect(400);
      await post('/policy/reachability', 'ops')
        .send({ purpose: 'service', segmentId: '00000000-0000-4000-8000-000000000001' })
        .expect(404);
      await post('/policy/reachability', 'agent')
        .send({ purpose: 'service', rule: { field: 'country', op: 'eq', value: 'CN' } })
        .expect(403);
    });
  });

  it('documents its endpoints in OpenAPI', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/policy',
        '/policy/reachability',
        '/customers/{id}/consent',
        '/customers/{id}/eligibility',
        '/do-not-contact',
        '/do-not-contact/{id}',
        '/do-not-contact/import',
      ]),
    );
    expect(res.body.components.schemas.RecordConsentDto.required).toEqual(['channel', 'scope', 'state']);
  });
});
