import { ManualClock } from '../../src/common/clock';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES } from '../../src/dispatch/outbox.repository';
import { eventually } from '../support/eventually';
import { FakeTwilio } from '../support/fake-twilio.server';
import { store } from '../support/outbox.builders';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';

const [URGENT, BULK] = LANES;
// Monday 23 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-23T02:00:00Z');

/**
 * A campaign from creation to funnel, through the real twilio SDK against a local server that
 * speaks Twilio's REST API and posts signed callbacks, and real SMTP to a local mail server.
 */
describe('campaigns end to end through Twilio and SMTP', () => {
  const clock = new ManualClock(NOW);
  let twilio: FakeTwilio;
  let smtp: SmtpSink;
  let t: TestApp;
  let manager: string;

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    smtp = await SmtpSink.start();
    t = await startTestApp(
      {
        ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Card Centre <cards@bank.example>',
        SMS_PER_SECOND: '0',
        CALLS_PER_SECOND: '0',
        EMAIL_PER_SECOND: '0',
      },
      { clock, listen: true },
    );
    manager = await t.keyFor('campaign_manager');
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
    await smtp.close();
  });

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  it('validates a campaign before it exists, naming the fields', async () => {
    const res = await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({
        name: 'broken',
        purpose: 'service',
        audience: { customerRefs: ['X'], segmentId: '5b0c7c2e-1d1f-4a53-9d6e-2f3a4b5c6d7e' },
        plan: [{ channel: 'fax', template: 'repayment-reminder-before-due' }],
        startsAt: '2026-11-23T00:00:00Z',
        endsAt: '2026-11-22T00:00:00Z',
      })
      .expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('plan.0.channel');
  });

  it('launches, sends SMS through the twilio SDK and e-mail through SMTP, takes the callbacks and shows the funnel', async () => {
    const zh = await store.customer(t.db, { locale: 'zh-CN' });
    const en = await store.customer(t.db, { locale: 'en', fullName: 'Li Wei', country: 'CN' });
    const created = await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({
        name: 'November reminders',
        purpose: 'service',
        audience: { customerRefs: [zh.externalRef, en.externalRef] },
        plan: [
          { channel: 'sms', template: 'repayment-reminder-before-due' },
          { channel: 'email', template: 'repayment-reminder-before-due', afterHours: 0, when: 'always' },
        ],
        startsAt: '2026-11-23T00:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      })
      .expect(201);
    const id = created.body.id;

    const forecast = await t.http.post(`/campaigns/${id}/forecast`).set(as(manager)).expect(200);
    expect(forecast.body).toMatchObject({ audience: 2 });
    expect(forecast.body.reachability.channels.sms.reachableNow).toBe(2);

    const launched = await t.http.post(`/campaigns/${id}/launch`).set(as(manager)).expect(200);
    expect(launched.body.status).toBe('running');
    expect(Object.keys(launched.body.pinnedVersions).sort()).toEqual([
      'repayment-reminder-before-due/en/email',
      'repayment-reminder-before-due/en/sms',
      'repayment-reminder-before-due/zh-CN/email',
      'repayment-reminder-before-due/zh-CN/sms',
    ]);
    await t.http.post(`/campaigns/${id}/launch`).set(as(manager)).expect(409);

    await t.app.get(Dispatcher).runBatch(BULK);
    expect(twilio.messages.map((m) => m.to).sort()).toEqual([zh.phone, en.phone].sort());
    const sms = twilio.requests.find((r) => r.path.endsWith('/Messages.json'))!;
    expect(sms.params.From).toBe('+15005550006');
    expect(String(sms.params.StatusCallback)).toMatch(/\/webhooks\/twilio\/messages\/status\?attempt=[0-9a-f-]{36}$/);

    await twilio.deliverAll('delivered');
    await eventually(async () => {
      const rows = await t.db.query(`SELECT status FROM contact_attempts WHERE campaign_id = $1 AND channel = 'sms'`, [id]);
      expect(rows.map((r: { status: string }) => r.status)).toEqual(['delivered', 'delivered']);
    });
    // Twilio retries a callback; a repeat, and a late `sent`, change nothing.
    await twilio.deliverAll('delivered');
    await twilio.deliverAll('sent');
    const statuses = await t.db.query(`SELECT status FROM contact_attempts WHERE campaign_id = $1 AND channel = 'sms'`, [id]);
    expect(statuses.map((r: { status: string }) => r.status)).toEqual(['delivered', 'delivered']);

    // The plan's second step, queued when the SMS went, sends the e-mail.
    await t.app.get(Dispatcher).runBatch(BULK);
    const mails = await smtp.waitFor(2);
    const english = mails.find((m) => m.envelope.to.includes(en.email!))!;
    expect(english.parsed.subject).toMatch(/repayment|payment/i);
    expect(english.parsed.messageId).toMatch(/^<[0-9a-f-]{36}@bank\.example>$/);
    expect(english.parsed.from?.text).toContain('cards@bank.example');

    const funnel = await t.http.get(`/campaigns/${id}/funnel`).set(as(manager)).expect(200);
    expect(funnel.body.steps).toEqual([
      expect.objectContaining({ step: 0, channel: 'sms', targeted: 2, sent: 2, delivered: 2 }),
      expect.objectContaining({ step: 1, channel: 'email', targeted: 2, sent: 2 }),
    ]);
    const [profile] = await t.db.query(
      'SELECT last_contact_channel, contact_counts, last_outcomes FROM customers WHERE id = $1',
      [en.id],
    );
    expect(profile).toMatchObject({ last_contact_channel: 'email', contact_counts: { sms: 1, email: 1 } });
    expect(profile.last_outcomes.service).toMatchObject({ channel: 'email', outcome: 'sent' });
  });

  it('keeps a segment a campaign uses from being deleted', async () => {
    const segment = await t.http
      .post('/segments')
      .set(as(manager))
      .send({ name: 'overdue for a campaign', rule: { field: 'daysPastDue', op: 'gt', value: 0 } })
      .expect(201);
    await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({
        name: 'uses the segment',
        purpose: 'collections',
        audience: { segmentId: segment.body.id },
        plan: [{ channel: 'sms', template: 'collections-early' }],
        startsAt: '2026-11-23T00:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      })
      .expect(201);
    const res = await t.http.delete(`/segments/${segment.body.id}`).set(as(manager)).expect(409);
    expect(res.body.error.code).toBe('SEGMENT_IN_USE');
  });

  it('places a call through the twilio SDK with the voice template and records who answered', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    const task = await store.task(t.db, customer, {
      purpose: 'fraud',
      channel: 'call',
      templateKey: 'fraud-verification',
      subjectRef: 'case-e2e',
      variables: { txn: { amount: 880000, currency: 'CNY', merchant: 'JD.com', at: '2026-11-23T01:58:00Z', reference: '4821' } },
    });

    await t.app.get(Dispatcher).runBatch(URGENT);
    const call = twilio.requests.find((r) => r.path.endsWith('/Calls.json'))!;
    expect(call.params.To).toBe(customer.phone);
    expect(String(call.params.Twiml)).toContain('<Gather');
    expect(String(call.params.Twiml)).toContain('language="en-US"');

    await twilio.settleCalls('completed');
    await eventually(async () => {
      const [attempt] = await t.db.query('SELECT status, connected FROM contact_attempts WHERE task_id = $1', [task.id]);
      expect(attempt).toEqual({ status: 'completed', connected: true });
    });
    const [profile] = await t.db.query('SELECT last_outcomes, last_right_party_contact_at FROM customers WHERE id = $1', [
      customer.id,
    ]);
    expect(profile.last_outcomes.fraud).toMatchObject({ channel: 'call', outcome: 'completed' });
    expect(profile.last_right_party_contact_at).not.toBeNull();
  });

  it('records a provider opt-out (21610) in the consent ledger and never retries it', async () => {
    const customer = await store.customer(t.db);
    twilio.failFor(customer.phone!, { code: 21610, status: 400 });
    const task = await store.task(t.db, customer);

    await t.app.get(Dispatcher).runBatch(BULK);

    const [row] = await t.db.query('SELECT status FROM contact_tasks WHERE id = $1', [task.id]);
    expect(row.status).toBe('suppressed');
    const ledger = await t.db.query('SELECT channel, scope, state, source FROM consent_events WHERE customer_id = $1', [
      customer.id,
    ]);
    expect(ledger).toEqual([{ channel: 'sms', scope: 'all', state: 'revoked', source: 'provider' }]);
  });

  it('retries a refusal to send for now (429) later, and fails an invalid number at once', async () => {
    const flaky = await store.customer(t.db);
    const invalid = await store.customer(t.db);
    twilio.failFor(flaky.phone!, { code: 20429 });
    twilio.failFor(invalid.phone!, { code: 21211, status: 400 });
    const retried = await store.task(t.db, flaky);
    const failed = await store.task(t.db, invalid);

    await t.app.get(Dispatcher).runBatch(BULK);

    const rows = await t.db.query('SELECT id, status, due_at, attempts FROM contact_tasks WHERE id = ANY($1)', [
      [retried.id, failed.id],
    ]);
    const byId = Object.fromEntries(rows.map((r: { id: string }) => [r.id, r]));
    expect(byId[retried.id]).toMatchObject({ status: 'pending', attempts: 1 });
    expect(byId[retried.id].due_at.getTime()).toBeGreaterThan(NOW.getTime());
    expect(byId[failed.id]).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
