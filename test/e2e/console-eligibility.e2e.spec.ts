import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { signedIn, signInAs, SignedIn } from '../support/console-session';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Friday 20 November 2026, 10:00 in Shanghai. The customer texted STOP yesterday at 11:00.
const NOW = new Date('2026-11-20T02:00:00Z');
const OPTED_OUT_AT = new Date('2026-11-19T03:00:00Z');

/** The ops console's "could we contact them at…?": the API's eligibility at an instant, said in the viewer's language. */
describe('console: could we contact them at…?', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let ops: SignedIn;
  let opsZh: SignedIn;
  let customer: Customer;

  const ask = (query: Record<string, string>, as: SignedIn = ops) =>
    t.http.get(`/console/ops/customers/${customer.id}/eligibility`).query(query).set('Cookie', as.cookie);
  /** The text of the element marked `data-<name>` (first one), tags dropped, entities of the views undone. */
  const marked = (html: string, name: string) =>
    new RegExp(`<dd ${name}>(.*?)</dd>`)
      .exec(html)?.[1]
      .replace(/<[^>]+>/g, '')
      .replace(/&#x3D;/g, '=');
  const reasons = (html: string) =>
    [...html.matchAll(/<ul class="reasons">(.*?)<\/ul>/g)].flatMap((m) =>
      [...m[1].matchAll(/<li>(.*?)<\/li>/g)].map((li) => li[1]),
    );

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    customer = await store.customer(t.db, { externalRef: 'CUST-STOP' });
    await t.db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'sms', 'all', 'revoked', 'sms_keyword', $2)`,
      [customer.id, OPTED_OUT_AT],
    );
    ops = await signedIn(t, 'ops');
    opsZh = await signInAs(t, await t.consoleUser('ops', { locale: 'zh-CN' }));
  });
  afterAll(() => t.close());

  it('is asked from the customer timeline, by a GET form', async () => {
    const page = await t.http.get(`/console/ops/customers/${customer.id}`).set('Cookie', ops.cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<form method="get" action="/console/ops/customers/${customer.id}/eligibility"`);
    expect(page.text).toContain('Could we contact them at…?');
    expect(page.text).toContain('<input type="datetime-local" name="at" value="">');
  });

  it('two days ago: allowed, with the records as they stood then', async () => {
    const response = await ask({ purpose: 'service', channel: 'sms', at: '2026-11-18T10:00', zone: 'Asia/Shanghai' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('data-allowed="yes"');
    expect(response.text).toContain('data-history="as_it_stood"');
    expect(response.text).toContain('<h2>Allowed</h2>');
    expect(marked(response.text, 'data-history')).toBe('as they stood then (up to 2026-11-18 10:00 Asia/Shanghai)');
    expect(reasons(response.text)).toEqual([]);
  });

  it('now: not allowed, the opt-out said as the log says it, nothing to wait for; the API agrees', async () => {
    const response = await ask({ purpose: 'service', channel: 'sms', at: '', zone: 'Asia/Shanghai' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('data-allowed="no"');
    expect(response.text).toContain('data-history="as_it_stands_now"');
    expect(reasons(response.text)).toEqual(['opted out of SMS (sms_keyword, 2026-11-19)']);
    expect(marked(response.text, 'data-next')).toBe('never, unless the customer changes it');
    expect(marked(response.text, 'data-history')).toBe('as they stand now');

    // One rule, every door: the API's answer for the same question.
    const api = await t.http
      .get(`/customers/${customer.id}/eligibility`)
      .query({ purpose: 'service', channel: 'sms' })
      .set('Authorization', `Bearer ${await t.keyFor('ops')}`);
    expect(api.body).toMatchObject({ allowed: false, final: true, asOf: { history: 'as_it_stands_now' } });
    expect(api.body.reasons.map((r: { code: string }) => r.code)).toEqual(['OPTED_OUT']);
    expect(api.body.nextAllowedAt).toBeUndefined();
  });

  it("reads the instant in the viewer's zone and gives the next allowed instant in the customer's", async () => {
    // 21:00 in London on the 17th is 05:00 on the 18th in Shanghai: quiet hours there.
    const response = await ask({ purpose: 'service', channel: 'sms', at: '2026-11-17T21:00', zone: 'Europe/London' });
    expect(response.text).toContain('data-allowed="no"');
    expect(response.text).toContain('2026-11-17 21:00 Europe/London · 2026-11-18 05:00 Asia/Shanghai');
    expect(reasons(response.text)).toEqual([expect.stringMatching(/^quiet hours \(contact hours \d\d:\d\d-\d\d:\d\d\)$/)]);
    expect(marked(response.text, 'data-next')).toMatch(/^2026-11-18 0\d:00 Asia\/Shanghai$/);
  });

  it('keeps a wrong answer on the form, each field named in the viewer’s language', async () => {
    const response = await ask({ purpose: 'bogus', channel: 'sms', at: 'yesterday', zone: 'Asia/Shanghai' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('data-ask');
    expect(response.text).toContain('<li data-field="purpose"><strong>Purpose</strong>: choose one from the list</li>');
    expect(response.text).toContain('<li data-field="at"><strong>At</strong>: must be a date and a time</li>');
    expect(response.text).not.toContain('data-answer');
    // The value typed stays in the form.
    expect(response.text).toContain('name="at" value="yesterday"');

    // 02:30 on 8 March 2026 never happened in New York (spring forward).
    const skipped = await ask({ purpose: 'service', channel: 'call', at: '2026-03-08T02:30', zone: 'America/New_York' });
    expect(skipped.status).toBe(400);
    expect(skipped.text).toContain('<li data-field="at"><strong>At</strong>: the clocks skip this time in America/New_York</li>');

    const zone = await ask({ purpose: 'service', channel: 'call', at: '', zone: 'Mars/Olympus' });
    expect(zone.text).toContain('<li data-field="zone"><strong>Time zone</strong>: is not a time zone</li>');
  });

  it('speaks Chinese to a Chinese-speaking viewer: labels, answer, reasons and errors', async () => {
    const timeline = await t.http.get(`/console/ops/customers/${customer.id}`).set('Cookie', opsZh.cookie);
    expect(timeline.text).toContain('此时能否联系该客户？');
    expect(timeline.text).toContain('<option value="sms">短信</option>');

    const now = await ask({ purpose: 'service', channel: 'sms', at: '', zone: 'Asia/Shanghai' }, opsZh);
    expect(now.text).toContain('<h2>不可联系</h2>');
    expect(now.text).toContain('目的');
    expect(now.text).toContain('时间点');
    expect(reasons(now.text)).toEqual(['已退订短信（短信回复退订，2026-11-19）']);
    expect(marked(now.text, 'data-history')).toBe('现有记录');

    const then = await ask({ purpose: 'service', channel: 'sms', at: '2026-11-18T10:00', zone: 'Asia/Shanghai' }, opsZh);
    expect(then.text).toContain('<h2>可以联系</h2>');
    expect(marked(then.text, 'data-history')).toBe('当时的记录（截至 2026-11-18 10:00 北京时间）');

    const wrong = await ask({ purpose: '', channel: 'sms', at: '', zone: 'Asia/Shanghai' }, opsZh);
    expect(wrong.text).toContain('<li data-field="purpose"><strong>目的</strong>: 请从列表中选择</li>');
  });

  it('is for the roles of the timeline: an agent is refused, an admin let in', async () => {
    const agent = await signedIn(t, 'agent');
    const refused = await ask({ purpose: 'service', channel: 'sms' }, agent);
    expect(refused.status).toBe(403);
    const admin = await signedIn(t, 'admin');
    expect((await ask({ purpose: 'service', channel: 'sms' }, admin)).status).toBe(200);
    const unknown = await t.http
      .get('/console/ops/customers/00000000-0000-4000-8000-000000000000/eligibility')
      .query({ purpose: 'service', channel: 'sms' })
      .set('Cookie', ops.cookie);
    expect(unknown.status).toBe(404);
  });
});
