import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { signedIn } from '../support/console-session';
import { startTestApp, TestApp } from '../support/test-app';

// Friday 20 November 2026, 21:40 in Shanghai: "why was this customer called at 21:40?"
const NOW = new Date('2026-11-20T13:40:00Z');

describe('console ops pages', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let ops: { cookie: string; csrf: string };
  let agent: { cookie: string; csrf: string };
  let ada: Customer;
  let bo: Customer;
  let campaignId: string;

  const session = (role: 'ops' | 'agent' | 'admin') => signedIn(t, role);

  const get = (path: string, as = ops) => t.http.get(path).set('Cookie', as.cookie);

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    [ops, agent] = await Promise.all([session('ops'), session('agent')]);
    ada = await store.customer(t.db, { fullName: 'Ada Lovelace', externalRef: 'CUST-ADA', phone: '+8613812345678' });
    bo = await store.customer(t.db, { fullName: 'Bo Zhang', externalRef: 'CUST-BO' });
    [{ id: campaignId }] = await t.db.query(
      `INSERT INTO campaigns (name, purpose, audience_refs, plan, starts_at, ends_at)
       VALUES ('November promo', 'marketing', '{CUST-BO}', '[{"channel": "sms", "template": "promo"}]', $1, $2) RETURNING id`,
      [new Date('2026-11-01T00:00:00Z'), new Date('2026-12-01T00:00:00Z')],
    );
    const deferred = await store.task(t.db, ada, {
      purpose: 'collections',
      channel: 'call',
      templateKey: 'collections-early',
      dueAt: new Date('2026-11-21T00:00:00Z'),
      reasons: [{ code: 'QUIET_HOURS', window: '08:00-22:00', zone: 'Asia/Shanghai', until: '2026-11-21T00:00:00.000Z' }],
    });
    const sent = await store.task(t.db, ada, { status: 'sent' });
    const suppressed = await store.task(t.db, bo, {
      purpose: 'marketing',
      campaignId,
      templateKey: 'promo',
      status: 'suppressed',
      reasons: [{ code: 'OPTED_OUT', channel: 'sms', scope: 'all', source: 'sms_keyword', since: '2026-11-19T16:30:00.000Z' }],
    });
    await t.db.query(
      `INSERT INTO contact_attempts (customer_id, task_id, purpose, channel, provider, provider_ref, status, template_key, attempted_at, updated_at)
       VALUES ($1, $2, 'service', 'sms', 'sandbox', 'SM-1', 'delivered', 'repayment-reminder-before-due', $3, $4)`,
      [ada.id, sent.id, new Date('2026-11-20T02:00:00Z'), new Date('2026-11-20T02:02:00Z')],
    );
    // Newest change first: suppressed (13:00), deferred (12:00), sent (02:02).
    for (const [task, at] of [
      [suppressed, '2026-11-20T13:00:00Z'],
      [deferred, '2026-11-20T12:00:00Z'],
      [sent, '2026-11-20T02:02:00Z'],
    ] as const) {
      await t.db.query(`UPDATE contact_tasks SET updated_at = $2 WHERE id = $1`, [task.id, at]);
    }
    await t.db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'sms', 'all', 'revoked', 'sms_keyword', $2)`,
      [bo.id, new Date('2026-11-19T16:30:00Z')],
    );
    await t.db.query(
      `INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, body, intent, received_at)
       VALUES ($1, 'sms', 'sandbox', 'IN-1', $2, 'I will pay on Monday', 'free_text', $3)`,
      [ada.id, ada.phone, new Date('2026-11-20T03:00:00Z')],
    );
  });
  afterAll(() => t.close());

  it('refuses every ops page to an agent, and lets an admin in', async () => {
    for (const path of [
      '/console/ops/log',
      '/console/ops/log.csv',
      '/console/ops/dashboard',
      '/console/ops/audit',
      `/console/ops/customers/${ada.id}`,
    ]) {
      const response = await get(path, agent);
      expect([path, response.status]).toEqual([path, 403]);
      expect(response.text).toContain('Your role may not open this page');
    }
    const admin = await session('admin');
    expect((await get('/console/ops/log', admin)).status).toBe(200);
  });

  it('lists the log newest first, each row saying why, with personal data masked', async () => {
    const response = await get('/console/ops/log');
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    const whys = [...response.text.matchAll(/<td class="why[^"]*">([^<]+)<\/td>/g)].map((m) => m[1].replace(/&#x27;/g, "'"));
    expect(whys).toEqual([
      'suppressed — opted out of SMS (sms_keyword, 2026-11-20)',
      'deferred — quiet hours (contact hours 08:00-22:00) until 2026-11-21 08:00 Asia/Shanghai',
      'sent — delivered 10:02 Asia/Shanghai',
    ]);
    expect(response.text).not.toContain('Ada Lovelace');
    expect(response.text).not.toContain('+8613812345678');
    expect(response.text).toContain('A***********');
    expect(response.text).toContain('+86138****5678');
  });

  it('filters by customer reference, campaign, purpose, channel, status and time', async () => {
    const rows = async (query: string) =>
      [...(await get(`/console/ops/log?${query}`)).text.matchAll(/data-status="(\w+)"/g)].map((m) => m[1]);
    expect(await rows('customer=CUST-ADA')).toEqual(['pending', 'sent']);
    expect(await rows(`customer=${bo.id}`)).toEqual(['suppressed']);
    expect(await rows(`campaign=${campaignId}`)).toEqual(['suppressed']);
    expect(await rows('purpose=collections&channel=call')).toEqual(['pending']);
    expect(await rows('status=sent')).toEqual(['sent']);
    expect(await rows('from=2026-11-20T20:00&to=2026-11-20T20:30&zone=Asia%2FShanghai')).toEqual(['pending']);
    expect(await rows('customer=&campaign=&purpose=&channel=&status=&from=&to=')).toHaveLength(3);
  });

  it('finds a customer by the phone number as people type it, and keeps a wrong one on the form', async () => {
    const rows = async (query: string) =>
      [...(await get(`/console/ops/log?${query}`)).text.matchAll(/data-status="(\w+)"/g)].map((m) => m[1]);
    for (const typed of ['138 1234 5678', '+86-138-1234-5678', '13812345678']) {
      expect(await rows(`customer=${encodeURIComponent(typed)}`)).toEqual(['pending', 'sent']);
    }
    const nobody = await get(`/console/ops/log?customer=${encodeURIComponent('139 0000 0000')}&status=pending`);
    expect(nobody.status).toBe(400);
    // On the log's own form, next to the field, in words; what was typed is kept.
    expect(nobody.text).toContain('<form method="get" action="/console/ops/log"');
    expect(nobody.text).toContain('data-field="customer" role="alert">no customer has this id, reference or phone number</span>');
    expect(nobody.text).toContain('name="customer" value="139 0000 0000"');
    expect(nobody.text).toMatch(/<option selected>pending<\/option>|<option value="pending" selected>/);
  });

  it('pages by keyset without repeating or losing a row', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/console/ops/log?limit=1';
    while (path) {
      const html: string = (await get(path)).text;
      seen.push(...[...html.matchAll(/data-status="(\w+)"/g)].map((m) => m[1]));
      path = /<a href="([^"]+)" rel="next">/
        .exec(html)?.[1]
        .replace(/&amp;/g, '&')
        .replace(/&#x3D;/g, '=');
    }
    expect(seen).toEqual(['suppressed', 'pending', 'sent']);
  });

  it('names the field a filter got wrong', async () => {
    for (const [query, field] of [
      ['status=bogus', 'status'],
      ['channel=fax', 'channel'],
      ['from=yesterday', 'from'],
      ['zone=Mars%2FOlympus', 'zone'],
      ['customer=NOBODY', 'customer'],
      ['from=2026-11-21T00:00&to=2026-11-20T00:00', 'to'],
      ['before=not-a-cursor', 'before'],
      ['campaign=42', 'campaign'],
    ]) {
      const response = await get(`/console/ops/log?${query}`);
      expect([query, response.status]).toEqual([query, 400]);
      expect(response.text).toContain(`data-field="${field}"`);
      expect(response.text).not.toContain('<code>');
    }
  });

  it('exports the filtered log as a masked CSV attachment with a header row', async () => {
    const response = await get('/console/ops/log.csv?customer=CUST-ADA')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          // A UTF-8 byte-order mark first, so Excel on a Chinese Windows reads the names as UTF-8.
          expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
          done(null, bytes.subarray(3).toString('utf8'));
        });
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="contact-log-.*\.csv"$/);
    const lines = (response.body as string).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'updatedAt,customerRef,customerName,phone,timezone,campaignName,purpose,channel,templateKey,step,status,dueAt,attemptStatus,attemptAt,providerRef,why,reasonCodes',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('deferred — quiet hours');
    expect(lines[1]).toMatch(/,QUIET_HOURS$/);
    expect(lines[2]).toContain('sent — delivered 10:02 Asia/Shanghai');
    expect(response.body).not.toContain('Ada Lovelace');
    expect(response.body).not.toContain('+8613812345678');
    expect(lines[2]).toContain('+86138****5678');
    // An export of personal data is audited like a change: who took which slice.
    await eventually(async () => {
      const [audit] = await t.db.query(
        `SELECT target, status FROM audit_events WHERE action = 'ops.contactLogCsv' AND status = 200`,
      );
      expect(audit).toEqual({ target: 'customer=CUST-ADA', status: 200 });
    });
  });

  it("shows a customer's timeline: contacts with their why, replies and consent", async () => {
    const response = await get(`/console/ops/customers/${bo.id}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('opted out of SMS (sms_keyword, 2026-11-20)');
    expect(response.text).toMatch(/data-kind="consent"/);
    expect(response.text).toContain('revoked');
    const adas = await get(`/console/ops/customers/${ada.id}`);
    expect([...adas.text.matchAll(/data-kind="(\w+)"/g)].map((m) => m[1])).toEqual(['contact', 'reply', 'contact']);
    expect(adas.text).toContain('I will pay on Monday');
    // Pages merge the sources exactly: the second event alone, out of all three.
    const second = await get(`/console/ops/customers/${ada.id}?limit=1&offset=1`);
    expect([...second.text.matchAll(/data-kind="(\w+)"/g)].map((m) => m[1])).toEqual(['reply']);
    expect(second.text).toContain('2–2 of 3');
    expect(adas.text).not.toContain('Ada Lovelace');
    expect((await get('/console/ops/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('labels what Herald sent outside the outbox by what it was — an agent’s call, an automatic SMS — to the second', async () => {
    const cy = await store.customer(t.db, { externalRef: 'CUST-CY', timezone: 'Asia/Shanghai' });
    await t.db.query(
      `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status, attempted_at)
       VALUES ($1, 'service', 'sms', 'sandbox', 'queued', '2026-10-01T02:03:04Z'),
              ($1, 'collections', 'call', 'sandbox', 'completed', '2026-10-01T02:05:06Z')`,
      [cy.id],
    );
    const page = await get(`/console/ops/customers/${cy.id}`);
    const rows = [...page.text.matchAll(/<tr data-kind="(\w+)">\s*<td>([^<]*)<\/td>\s*<td>([^<]*)</g)].map((m) => m.slice(1));
    expect(rows).toEqual([
      ['call', '2026-10-01 10:05:06 Asia/Shanghai', 'Agent call'],
      ['message', '2026-10-01 10:03:04 Asia/Shanghai', 'Automatic message'],
    ]);
  });

  it('shows volumes by channel and hour, fraud time-to-answer and the opt-out rate', async () => {
    const response = await get('/console/ops/dashboard?zone=UTC');
    expect(response.status).toBe(200);
    expect(response.text).toContain('Contacts in 24 h: 1');
    expect(response.text).toMatch(/<tr><td>02:00<\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>1<\/td><\/tr>/);
    // One SMS sent in the week, one SMS opt-out.
    expect(response.text).toMatch(/data-channel="sms"><td>SMS<\/td><td>1<\/td><td>1<\/td><td>100.00 %<\/td>/);
    expect(response.text).toContain('Median time to answer');
    expect((await get('/console/ops/dashboard')).text).toMatch(/<tr><td>10:00<\/td><td>1<\/td>/);
  });

  it('shows the work orders’ SLA over time on the dashboard: the chart a day, and p50 / p90 per queue and severity', async () => {
    const [{ id: customerId }] = await t.db.query(`SELECT id FROM customers ORDER BY id LIMIT 1`);
    const opened = new Date(clock.now().getTime() - 3 * 3_600_000);
    // Resolved 30 minutes in, first touched after 10: within its 4-hour SLA.
    await t.db.query(
      `INSERT INTO work_orders (kind, customer_id, summary, severity, queue, status, assignee_id, opened_at, due_by,
                                first_action_at, closed_at, outcome, updated_at)
       VALUES ('complaint', $1, 'Complaint: fees', 'high', 'dashboard-desk', 'resolved', NULL, $2, $2::timestamptz + interval '4 hours',
               $2::timestamptz + interval '10 minutes', $2::timestamptz + interval '30 minutes', 'complaint_upheld', now())`,
      [customerId, opened],
    );
    const text = (await get('/console/ops/dashboard')).text;
    expect(text).toContain('Orders opened a day, and how their SLA went');
    expect(text).toMatch(/<rect class="bar-delivered"/);
    expect(text).toMatch(
      /<tr><td><code>dashboard-desk<\/code><\/td><td>High<\/td><td>100 %<\/td><td>10 min \/ 10 min<\/td>\s*<td>30 min \/ 30 min<\/td>/,
    );
  });

  it('searches the audit log by user and action, and refuses a form without its CSRF token', async () => {
    const forged = await t.http.post('/console/locale').set('Cookie', ops.cookie).type('form').send({ locale: 'zh-CN' });
    expect(forged.status).toBe(403);
    const response = await get(`/console/ops/audit?action=signIn.setLocale`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('<code>signIn.setLocale</code>');
    expect(response.text).toContain('<td>403</td>');
    const byNobody = await get('/console/ops/audit?actor=nobody-at-all');
    expect(byNobody.status).toBe(400);
    expect(byNobody.text).toContain('data-field="actor"');
  });
});
