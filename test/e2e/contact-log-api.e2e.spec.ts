import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { ContactTask } from '../../src/dispatch/contact-task.entity';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Friday 20 November 2026, 21:40 in Shanghai.
const NOW = new Date('2026-11-20T13:40:00Z');

/** GET /contact-log and GET /customers/:id/timeline: the console's log and timeline over API keys. */
describe('the why over the API', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let ops: string;
  let integration: string;
  let ada: Customer;
  let bo: Customer;

  const get = (path: string, key = ops) => t.http.get(path).set('Authorization', `Bearer ${key}`);
  const text = (path: string, accept?: string) => {
    const request = get(path);
    if (accept) request.set('Accept', accept);
    return request.buffer(true).parse((res, done) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done(null, body));
    });
  };
  const touch = (task: ContactTask, at: string) =>
    t.db.query(`UPDATE contact_tasks SET updated_at = $2 WHERE id = $1`, [task.id, at]);

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    [ops, integration] = await Promise.all([t.keyFor('ops'), t.keyFor('integration')]);
    ada = await store.customer(t.db, { fullName: 'Ada Lovelace', externalRef: 'API-ADA', phone: '+8613812345678' });
    bo = await store.customer(t.db, { fullName: 'Bo Zhang', externalRef: 'API-BO' });
    const deferred = await store.task(t.db, ada, {
      purpose: 'collections',
      channel: 'call',
      templateKey: 'collections-early',
      dueAt: new Date('2026-11-21T00:00:00Z'),
      reasons: [{ code: 'QUIET_HOURS', window: '08:00-22:00', zone: 'Asia/Shanghai', until: '2026-11-21T00:00:00.000Z' }],
    });
    const sent = await store.task(t.db, ada, { status: 'sent' });
    const suppressed = await store.task(t.db, bo, {
      status: 'suppressed',
      reasons: [{ code: 'OPTED_OUT', channel: 'sms', scope: 'all', source: 'sms_keyword', since: '2026-11-19T16:30:00.000Z' }],
    });
    await t.db.query(
      `INSERT INTO contact_attempts (customer_id, task_id, purpose, channel, provider, provider_ref, status, template_key, attempted_at, updated_at)
       VALUES ($1, $2, 'service', 'sms', 'sandbox', 'SM-1', 'delivered', 'repayment-reminder-before-due', $3, $4)`,
      [ada.id, sent.id, new Date('2026-11-20T02:00:00Z'), new Date('2026-11-20T02:02:00Z')],
    );
    await touch(suppressed, '2026-11-20T13:00:00Z');
    await touch(deferred, '2026-11-20T12:00:00Z');
    await touch(sent, '2026-11-20T02:02:00Z');
  });
  afterAll(() => t.close());

  it('lists the log newest first, each row with its why and its reasons as codes and words, masked', async () => {
    const { body } = await get('/contact-log').expect(200);
    expect(body.next).toBeUndefined();
    expect(body.items.map((e: { why: string }) => e.why)).toEqual([
      'suppressed — opted out of SMS (sms_keyword, 2026-11-20)',
      'deferred — quiet hours (contact hours 08:00-22:00) until 2026-11-21 08:00 Asia/Shanghai',
      'sent — delivered 10:02 Asia/Shanghai',
    ]);
    expect(body.items.map((e: { reasons: unknown }) => e.reasons)).toEqual([
      [{ code: 'OPTED_OUT', text: 'opted out of SMS (sms_keyword, 2026-11-20)' }],
      [{ code: 'QUIET_HOURS', text: 'quiet hours (contact hours 08:00-22:00)' }],
      [],
    ]);
    expect(JSON.stringify(body)).not.toContain('Ada Lovelace');
    expect(body.items[1]).toMatchObject({ customerRef: 'API-ADA', phone: '+86138****5678', status: 'pending' });

    const zh = await get('/contact-log?locale=zh-CN&customer=API-BO').expect(200);
    expect(zh.body.items[0].reasons).toEqual([{ code: 'OPTED_OUT', text: '已退订短信（短信回复退订，2026-11-20）' }]);
  });

  it('filters as the console does, and names the field a filter got wrong', async () => {
    const statuses = async (query: string) =>
      (await get(`/contact-log?${query}`).expect(200)).body.items.map((e: { status: string }) => e.status);
    expect(await statuses('customer=API-ADA')).toEqual(['pending', 'sent']);
    expect(await statuses(`customer=${bo.id}`)).toEqual(['suppressed']);
    expect(await statuses('purpose=collections&channel=call')).toEqual(['pending']);
    expect(await statuses('from=2026-11-20T20:00&to=2026-11-20T20:30&zone=Asia%2FShanghai')).toEqual(['pending']);
    for (const [query, field] of [
      ['status=bogus', 'status'],
      ['customer=NOBODY', 'customer'],
      ['before=not-a-cursor', 'before'],
      ['locale=fr', 'locale'],
      ['format=xml', 'format'],
    ]) {
      const res = await get(`/contact-log?${query}`);
      expect([query, res.status, res.body.error.details[0].field]).toEqual([query, 400, field]);
    }
  });

  it('pages by cursor without repeating or losing a row while contacts are added', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const { body } = await get(`/contact-log?limit=1${next ? `&before=${next}` : ''}`).expect(200);
      seen.push(...body.items.map((e: { id: string }) => e.id));
      next = body.next;
      // A contact planned while the client pages: newer than every page, it never shifts them.
      if (seen.length === 1) await store.task(t.db, bo, { templateKey: 'added-while-paging' });
    } while (next);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    const { body } = await get('/contact-log').expect(200);
    expect(body.items).toHaveLength(4);
    expect(body.items.slice(1).map((e: { id: string }) => e.id)).toEqual(seen);
  });

  it('exports CSV with a byte-order mark, for Accept: text/csv or format=csv, and audits the export', async () => {
    for (const [path, accept] of [
      ['/contact-log?customer=API-ADA', 'text/csv'],
      ['/contact-log?customer=API-ADA&format=csv', undefined],
    ] as const) {
      const res = await text(path, accept);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      const lines = (res.body as string).trimEnd().split('\n');
      expect(lines[0].startsWith('\ufeffupdatedAt,customerRef,customerName,phone,')).toBe(true);
      expect(lines[0].endsWith(',why,reasonCodes')).toBe(true);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain('deferred — quiet hours');
      expect(lines[1]).toMatch(/,QUIET_HOURS$/);
      expect(res.body).not.toContain('Ada Lovelace');
    }
    await eventually(async () => {
      const audits = await t.db.query(`SELECT target FROM audit_events WHERE action = 'contactLog.contactLog' AND status = 200`);
      expect(audits.map((a: { target: string }) => a.target).sort()).toEqual(['customer=API-ADA', 'customer=API-ADA&format=csv']);
    });
  });

  it("gives a customer's timeline with each contact's reasons, to ops and integrations only", async () => {
    const { body } = await get(`/customers/${ada.id}/timeline`, integration).expect(200);
    expect(body.customer).toMatchObject({ externalRef: 'API-ADA' });
    expect(JSON.stringify(body)).not.toContain('Ada Lovelace');
    const contacts = body.events.items.filter((e: { kind: string }) => e.kind === 'contact');
    expect(contacts.map((e: { reasons: { code: string }[] }) => e.reasons.map((r) => r.code))).toEqual([['QUIET_HOURS'], []]);
    expect(contacts[0].text).toBe('deferred — quiet hours (contact hours 08:00-22:00) until 2026-11-21 08:00 Asia/Shanghai');
    expect(body.events).toMatchObject({ total: 2, limit: 50, offset: 0 });

    await get('/customers/00000000-0000-4000-8000-000000000000/timeline').expect(404);
    await get(`/customers/${ada.id}/timeline`, await t.keyFor('agent')).expect(403);
    await get('/contact-log', await t.keyFor('campaign_manager')).expect(403);
  });
});
