import { ManualClock } from '../../src/common/clock';
import { CHANNELS, PURPOSES } from '../../src/compliance/policy.types';
import { Customer } from '../../src/customers/customer.entity';
import { agentTask } from '../support/agent-work';
import { signedIn, signInAs, SignedIn } from '../support/console-session';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Friday 20 November 2026, 23:30 in Shanghai: quiet hours for everything but fraud SMS and e-mail.
const NOW = new Date('2026-11-20T15:30:00Z');
const TWO_DAYS_AGO = new Date('2026-11-18T03:00:00Z');

interface Cell {
  purpose: string;
  channel: string;
  allowed: boolean;
  final: boolean;
  reasons: { code: string; text: { en: string; 'zh-CN': string } }[];
  nextAllowedAt?: { utc: string; customer: string; viewer: string };
}

/** The customer 360: find a customer as people type them, and "can we contact them now?" — the policy's own answer. */
describe('customer 360 and "can we contact now?"', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let ada: Customer;
  let bo: Customer;
  let ops: string;

  const reachability = (id: string, key: string, query: Record<string, string> = {}) =>
    t.http.get(`/customers/${id}/reachability`).query(query).set('Authorization', `Bearer ${key}`);
  const cell = (body: { decisions: Cell[] }, purpose: string, channel: string) =>
    body.decisions.find((d) => d.purpose === purpose && d.channel === channel)!;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    ops = await t.keyFor('ops');
    ada = await store.customer(t.db, {
      fullName: 'Ada Lovelace',
      externalRef: 'CUST-ADA',
      phone: '+8613812345678',
      cardLast4: '7788',
      cardStatus: 'on_hold',
      daysPastDue: 12,
    });
    bo = await store.customer(t.db, { fullName: 'Bo Zhang', externalRef: 'CUST-BO', cardLast4: '4821' });
    // Ada agreed to marketing SMS, and had two of them two days ago: the 7-day cap (2) is used up.
    await t.db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'sms', 'marketing', 'granted', 'api', $2)`,
      [ada.id, new Date('2026-11-01T00:00:00Z')],
    );
    for (const minutes of [0, 5]) {
      await t.db.query(
        `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, provider_ref, status, attempted_at, updated_at)
         VALUES ($1, 'marketing', 'sms', 'sandbox', $2, 'delivered', $3, $3)`,
        [ada.id, `SM-${minutes}`, new Date(TWO_DAYS_AGO.getTime() + minutes * 60_000)],
      );
    }
  });
  afterAll(() => t.close());

  describe('search', () => {
    it.each(['138 1234 5678', '+86 138-1234-5678', '(+86) 138.1234.5678', '13812345678'])(
      'finds a customer by a phone typed as %j',
      async (typed) => {
        const response = await t.http.get('/customers').query({ q: typed }).set('Authorization', `Bearer ${ops}`).expect(200);
        expect(response.body.items.map((c: Customer) => c.externalRef)).toEqual(['CUST-ADA']);
      },
    );

    it("finds by the card's last four, part of the name and the reference", async () => {
      const find = async (q: string) =>
        (await t.http.get('/customers').query({ q }).set('Authorization', `Bearer ${ops}`).expect(200)).body.items.map(
          (c: Customer) => c.externalRef,
        );
      expect(await find('7788')).toEqual(['CUST-ADA']);
      expect(await find('4821')).toEqual(['CUST-BO']);
      expect(await find('lovel')).toEqual(['CUST-ADA']);
      expect(await find('CUST-BO')).toEqual(['CUST-BO']);
      expect(await find('139 0000 0000')).toEqual([]);
    });
  });

  describe('GET /customers/:id/reachability', () => {
    it('answers every purpose on every channel, as the eligibility API (the dispatcher’s decision) does', async () => {
      const response = await reachability(ada.id, ops).expect(200);
      expect(response.body.decisions).toHaveLength(PURPOSES.length * CHANNELS.length);
      for (const decision of response.body.decisions as Cell[]) {
        const one = await t.http
          .get(`/customers/${ada.id}/eligibility`)
          .query({ purpose: decision.purpose, channel: decision.channel })
          .set('Authorization', `Bearer ${ops}`)
          .expect(200);
        expect({
          allowed: decision.allowed,
          codes: decision.reasons.map((r) => r.code),
          next: decision.nextAllowedAt?.utc,
        }).toEqual({
          allowed: one.body.allowed,
          codes: one.body.reasons.map((r: { code: string }) => r.code),
          next: one.body.nextAllowedAt?.utc,
        });
      }
    });

    it('says why not in both languages, and when, in the customer’s zone and the viewer’s', async () => {
      const { body } = await reachability(ada.id, ops, { zone: 'America/New_York' }).expect(200);
      expect(body.customerZone).toBe('Asia/Shanghai');
      expect(body.viewerZone).toBe('America/New_York');

      expect(cell(body, 'fraud', 'sms')).toMatchObject({ allowed: true, reasons: [] });

      const call = cell(body, 'collections', 'call');
      expect(call).toMatchObject({ allowed: false, final: false });
      expect(call.reasons.map((r) => r.code)).toEqual(['QUIET_HOURS']);
      expect(call.reasons[0].text.en).toMatch(/quiet hours \(contact hours 08:00-22:00\)/);
      expect(call.reasons[0].text['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(call.nextAllowedAt).toEqual({
        utc: '2026-11-21T00:00:00.000Z',
        customer: '2026-11-21T08:00:00+08:00',
        viewer: '2026-11-20T19:00:00-05:00',
      });

      const marketingSms = cell(body, 'marketing', 'sms');
      expect(marketingSms.allowed).toBe(false);
      expect(marketingSms.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['QUIET_HOURS', 'CAP_MARKETING_SMS_7D']));
      // Two SMS of the 18th leave the 7-day window on the 25th, 03:00 and 03:05 UTC: the first frees one.
      expect(marketingSms.nextAllowedAt?.utc).toBe('2026-11-25T03:00:00.000Z');

      const marketingEmail = cell(body, 'marketing', 'email');
      expect(marketingEmail).toMatchObject({ allowed: false, final: true });
      expect(marketingEmail.reasons.map((r) => r.code)).toEqual(['NO_CONSENT']);
      expect(marketingEmail.nextAllowedAt).toBeUndefined();
    });

    it('counts each cap of the pack in its window, as the rule does', async () => {
      const { body } = await reachability(ada.id, ops).expect(200);
      const caps = Object.fromEntries(
        (body.caps as { code: string; counted: number; limit: number; reached: boolean }[]).map((c) => [c.code, c]),
      );
      expect(caps.CAP_MARKETING_SMS_7D).toMatchObject({ counted: 2, limit: 2, reached: true });
      // The two SMS were on another local day.
      expect(caps.CAP_DAILY_TOTAL).toMatchObject({ counted: 0, limit: 5, reached: false });
      expect(caps.CAP_CN_CONNECTED_CALLS_DAY).toMatchObject({ counted: 0, limit: 3 });
      expect(caps.CAP_US_CALLS_7D).toBeUndefined();
    });

    it('lets an agent ask only about the customers of the tasks it holds', async () => {
      const agent = await t.userFor('agent');
      const refused = await reachability(ada.id, agent.key).expect(403);
      expect(refused.body.error.code).toBe('NOT_YOUR_CUSTOMER');
      await agentTask(t.db, { customerId: ada.id, takenBy: agent.id });
      await reachability(ada.id, agent.key).expect(200);
    });

    it('refuses a zone that is none, and an unknown customer', async () => {
      const bad = await reachability(ada.id, ops, { zone: 'Mars/Olympus' }).expect(400);
      expect(JSON.stringify(bad.body)).toContain('zone');
      await reachability('00000000-0000-4000-8000-00000000dead', ops).expect(404);
    });
  });

  describe('the console pages', () => {
    let opsPage: SignedIn;
    beforeAll(async () => {
      opsPage = await signedIn(t, 'ops');
    });

    it('finds a customer from a phone typed with spaces and dashes, masked', async () => {
      const page = await t.http
        .get('/console/customers')
        .query({ q: '+86 138-1234 5678' })
        .set('Cookie', opsPage.cookie)
        .expect(200);
      expect(page.text).toContain(`href="/console/customers/${ada.id}"`);
      expect(page.text).not.toContain(`/console/customers/${bo.id}`);
      expect(page.text).not.toContain('Ada Lovelace');
      expect(page.text).toContain('+86138****5678');
      // What was typed stays in the box.
      expect(page.text).toContain('value="+86 138-1234 5678"');
    });

    it('says when nothing matches, and keeps an over-long search on the form', async () => {
      const none = await t.http.get('/console/customers').query({ q: '139 0000 0000' }).set('Cookie', opsPage.cookie).expect(200);
      expect(none.text).toContain('data-found="0"');
      const long = await t.http
        .get('/console/customers')
        .query({ q: 'x'.repeat(101) })
        .set('Cookie', opsPage.cookie)
        .expect(400);
      expect(long.text).toContain('data-field="q"');
      expect(long.text).toContain('is too long (at most 100 characters)');
      expect(long.text).toContain(`value="${'x'.repeat(101)}"`);
    });

    it('shows the card, balances, caps, consent and "can we contact now?" in one page', async () => {
      const page = await t.http
        .get(`/console/customers/${ada.id}`)
        .query({ zone: 'Europe/London' })
        .set('Cookie', opsPage.cookie)
        .expect(200);
      expect(page.text).toContain('data-card-status="on_hold"');
      expect(page.text).toContain('On hold');
      expect(page.text).toMatch(/<dd data-days-past-due>12<\/dd>/);
      expect(page.text).toMatch(/<tr data-purpose="collections">[\s\S]*?<td data-channel="call" data-allowed="no"/);
      expect(page.text).toMatch(/<tr data-purpose="fraud">[\s\S]*?<td data-channel="sms" data-allowed="yes"/);
      expect(page.text).toContain('Next allowed: 2026-11-21 08:00 Asia/Shanghai (customer)');
      expect(page.text).toContain('2026-11-21 00:00 Europe/London (you)');
      expect(page.text).toMatch(/<tr data-cap="CAP_MARKETING_SMS_7D">[\s\S]*?2 \/ 2/);
      expect(page.text).toContain('Marketing SMS in 7 days');
    });

    it('speaks Chinese to a Chinese reader, codes included', async () => {
      const zh = await signInAs(t, await t.consoleUser('ops', { locale: 'zh-CN' }));
      const page = await t.http.get(`/console/customers/${ada.id}`).set('Cookie', zh.cookie).expect(200);
      expect(page.text).toContain('现在能联系吗？');
      expect(page.text).toContain('临时冻结');
      expect(page.text).toContain('7 天内营销短信');
      expect(page.text).not.toContain('>on_hold<');
    });

    it('keeps an agent to the customers of its tasks', async () => {
      const agent = await t.consoleUser('agent');
      const session = await signInAs(t, agent);
      const refused = await t.http.get(`/console/customers/${bo.id}`).set('Cookie', session.cookie);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toMatch(/html/);
      const search = await t.http.get('/console/customers').query({ q: 'CUST-BO' }).set('Cookie', session.cookie).expect(200);
      expect(search.text).toContain('data-found="0"');
    });
  });
});
