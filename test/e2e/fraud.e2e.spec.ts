import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES } from '../../src/dispatch/outbox.repository';
import { FraudEscalationSweep } from '../../src/flows/fraud/fraud-escalation.sweep';
import { FakeTwilio } from '../support/fake-twilio.server';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';
import { suspiciousTransaction } from '../support/fraud.builders';

const [URGENT] = LANES;
// Monday 23 November 2026, 10:00 in Shanghai: fraud calls are allowed.
const NOW = new Date('2026-11-23T02:00:00Z');
const HERALD_NUMBER = '+15005550006';
const MINUTE = 60_000;

/** Fraud verification through the real HTTP API, the twilio SDK against a local Twilio, and signed webhooks. */
describe('fraud verification end to end', () => {
  const clock = new ManualClock(NOW);
  let twilio: FakeTwilio;
  let t: TestApp;
  let integration: string;
  let ops: string;
  let agent: string;
  let serial = 0;

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    t = await startTestApp(
      {
        ...twilio.env({ TWILIO_FROM_NUMBER: HERALD_NUMBER }),
        SMS_PER_SECOND: '0',
        CALLS_PER_SECOND: '0',
        SANDBOX_AUTO_CALLBACKS: 'false',
      },
      { clock, listen: true },
    );
    [integration, ops, agent] = await Promise.all([t.keyFor('integration'), t.keyFor('ops'), t.keyFor('agent')]);
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
  });

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const drain = () => t.app.get(Dispatcher).runBatch(URGENT);
  const sweep = () => t.app.get(FraudEscalationSweep).sweep();
  const reply = (customer: Customer, body: string) =>
    twilio.sendInboundSms(`${t.config.publicBaseUrl}/webhooks/twilio/messages/inbound`, {
      from: customer.phone!,
      to: HERALD_NUMBER,
      body,
    });
  const profile = (id: string) => t.db.getRepository(Customer).findOneByOrFail({ id });
  const smsTo = (customer: Customer) => twilio.messages.filter((m) => m.to === customer.phone).map((m) => m.body);
  const fraudCase = async (id: string) => (await t.http.get(`/fraud-cases/${id}`).set(as(ops)).expect(200)).body;

  async function suspicious(customer: Customer, overrides: Record<string, unknown> = {}) {
    const res = await t.http
      .post('/transactions')
      .set(as(integration))
      .send({
        ...suspiciousTransaction(`TXN-${++serial}-${Date.now()}`, customer.externalRef, clock.now().toISOString()),
        ...overrides,
      })
      .expect(200);
    return res.body as { caseId: string; decision: string; reasons: { code: string }[] };
  }

  it('clears an ordinary purchase and refuses a transaction from anyone but an integration', async () => {
    const customer = await store.customer(t.db);
    const body = {
      reference: `TXN-ok-${Date.now()}`,
      customerRef: customer.externalRef,
      amount: 5_000,
      currency: 'CNY',
      merchant: 'Coffee',
      country: 'CN',
      cardNotPresent: false,
      at: NOW.toISOString(),
    };
    const res = await t.http.post('/transactions').set(as(integration)).send(body).expect(200);
    expect(res.body).toMatchObject({ decision: 'cleared', caseId: null, reasons: [] });
    await t.http.post('/transactions').set(as(agent)).send(body).expect(403);
    const invalid = await t.http
      .post('/transactions')
      .set(as(integration))
      .send({ ...body, amount: -1, currency: 'yuan' })
      .expect(400);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['amount', 'currency']);
    expect((await profile(customer.id)).cardStatus).toBe('active');
  });

  it('counts the cardholder’s earlier transactions for velocity: the third in two cities within the window opens a case', async () => {
    const customer = await store.customer(t.db);
    const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * MINUTE).toISOString();
    const small = { amount: 5_000, merchant: 'Coffee' };
    const first = await suspicious(customer, { ...small, city: 'Shanghai', at: at(80) });
    const second = await suspicious(customer, { ...small, city: 'Beijing', at: at(70) });
    expect([first.decision, second.decision]).toEqual(['cleared', 'cleared']);
    const third = await suspicious(customer, { ...small, city: 'Shanghai', at: at(60) });
    expect(third.decision).toBe('case_opened');
    expect(third.reasons.map((r) => r.code)).toEqual(['VELOCITY_MULTI_CITY']);
    // An hour later the window (30 minutes) holds only the new one.
    expect((await suspicious(customer, { ...small, city: 'Hangzhou', at: at(0) })).decision).toBe('cleared');
    await reply(customer, 'Y'); // it was them: no case left open for the sweeps below
    expect((await fraudCase(third.caseId)).status).toBe('confirmed_genuine');
  });

  it('answered Y: hold, verification SMS, release, confirmation, profile', async () => {
    const customer = await store.customer(t.db, { riskLevel: 'low' } as Partial<Customer>);
    const opened = await suspicious(customer);
    expect(opened.decision).toBe('case_opened');
    expect(opened.reasons.map((r) => r.code)).toEqual(['AMOUNT_OVER_RISK_THRESHOLD']);
    expect((await profile(customer.id)).cardStatus).toBe('on_hold');

    await drain();
    const { reference } = await fraudCase(opened.caseId);
    const [verification] = smsTo(customer);
    expect(verification).toContain(`Y ${reference}`);

    clock.advance(3 * MINUTE);
    const answered = await reply(customer, `y ${reference}`);
    expect(answered.status).toBe(200);
    const settled = await fraudCase(opened.caseId);
    expect(settled.status).toBe('confirmed_genuine');
    expect(settled.timeline.map((e: { event: string }) => e.event)).toEqual(['opened', 'answered_yes']);
    const after = await profile(customer.id);
    expect(after).toMatchObject({ cardStatus: 'active', lastVerificationResult: 'genuine' });
    expect(after.lastVerificationAt).toEqual(clock.now());

    await drain();
    expect(smsTo(customer)).toHaveLength(2);
    // A repeated answer changes nothing and sends nothing.
    await reply(customer, `N ${reference}`);
    await drain();
    expect((await fraudCase(opened.caseId)).status).toBe('confirmed_genuine');
    expect(smsTo(customer)).toHaveLength(2);
  });

  it('answered N: the card stays blocked and the fraud team gets a priority task', async () => {
    const customer = await store.customer(t.db, { riskLevel: 'high' } as Partial<Customer>);
    const opened = await suspicious(customer, { amount: 600_000, country: 'US', city: 'New York' });
    expect(opened.reasons.map((r) => r.code).sort()).toEqual(['AMOUNT_OVER_RISK_THRESHOLD', 'FOREIGN_COUNTRY']);
    await drain();
    await reply(customer, 'N');
    expect((await fraudCase(opened.caseId)).status).toBe('confirmed_fraud');
    expect(await profile(customer.id)).toMatchObject({ cardStatus: 'blocked', lastVerificationResult: 'fraud' });
    await drain();
    expect(smsTo(customer)).toHaveLength(2);
    const tasks = await t.http.get('/agent-tasks').set(as(agent)).expect(200);
    expect(tasks.body.items).toContainEqual(
      expect.objectContaining({ customerId: customer.id, kind: 'fraud_confirmed', priority: 300, subjectRef: opened.caseId }),
    );
  });

  it('unanswered: an IVR call after 10 minutes, then an agent; IVR digits answer like Y', async () => {
    const silent = await store.customer(t.db);
    const pressed = await store.customer(t.db);
    const silentCase = (await suspicious(silent)).caseId;
    const pressedCase = (await suspicious(pressed)).caseId;
    await drain();

    clock.advance(9 * MINUTE);
    expect((await sweep()).toIvr).toBe(0);
    clock.advance(MINUTE + 1000);
    expect((await sweep()).toIvr).toBeGreaterThanOrEqual(2);
    expect((await sweep()).toIvr).toBe(0);
    expect((await fraudCase(silentCase)).status).toBe('escalated_ivr');
    await drain();
    const callTo = (c: Customer) => twilio.calls.find((call) => call.to === c.phone)!;
    expect(callTo(silent)).toBeDefined();
    const gather = /action="([^"]+)"/.exec(callTo(pressed).twiml!)![1].replace(/&amp;/g, '&');
    expect(gather).toContain('/webhooks/twilio/calls/gather?attempt=');

    const params = {
      AccountSid: twilio.accountSid,
      CallSid: callTo(pressed).sid,
      Digits: '1',
      From: HERALD_NUMBER,
      To: pressed.phone!,
    };
    const pressedOne = await twilio.postSigned(gather, params);
    expect(pressedOne.status).toBe(200);
    expect(pressedOne.body).toContain('<Say');
    expect((await fraudCase(pressedCase)).status).toBe('confirmed_genuine');
    expect((await profile(pressed.id)).cardStatus).toBe('active');
    // Twilio retries: the same digits again have no second effect.
    expect((await twilio.postSigned(gather, params)).status).toBe(200);
    const [{ count }] = await t.db.query(
      `SELECT count(*)::int AS count FROM inbound_messages WHERE subject_ref = $1 AND channel = 'call'`,
      [pressedCase],
    );
    expect(count).toBe(1);

    clock.advance(5 * MINUTE);
    expect((await sweep()).toAgent).toBeGreaterThanOrEqual(1);
    expect((await fraudCase(silentCase)).status).toBe('escalated_agent');
    const tasks = await t.http.get('/agent-tasks').set(as(agent)).expect(200);
    expect(tasks.body.items).toContainEqual(expect.objectContaining({ kind: 'fraud_verification', subjectRef: silentCase }));
    expect(tasks.body.items.some((task: { subjectRef: string }) => task.subjectRef === pressedCase)).toBe(false);
    expect((await profile(silent.id)).cardStatus).toBe('on_hold');
  });

  it('with two open cases a bare Y is answered with a question, never applied', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    const first = (await suspicious(customer, { merchant: 'Shop One' })).caseId;
    const second = (await suspicious(customer, { merchant: 'Shop Two' })).caseId;
    const asked = await reply(customer, 'Y');
    expect(asked.body).toContain('which payment do you mean?');
    expect(asked.body).toContain((await fraudCase(first)).reference);
    expect(asked.body).toContain((await fraudCase(second)).reference);
    expect((await fraudCase(first)).status).toBe('open');
    expect((await fraudCase(second)).status).toBe('open');

    await reply(customer, `Y ${(await fraudCase(second)).reference}`);
    expect((await fraudCase(second)).status).toBe('confirmed_genuine');
    // The other case still holds the card.
    expect((await profile(customer.id)).cardStatus).toBe('on_hold');
  });

  it('reports time to answer as p50 and p90 in seconds, for ops only', async () => {
    const res = await t.http.get('/fraud-cases/stats').set(as(ops)).expect(200);
    expect(res.body.answered).toBeGreaterThanOrEqual(3);
    expect(res.body.timeToAnswerP50Seconds).toBeGreaterThanOrEqual(0);
    expect(res.body.timeToAnswerP90Seconds).toBeGreaterThanOrEqual(res.body.timeToAnswerP50Seconds);
    expect(res.body.byStatus.confirmed_genuine).toBeGreaterThanOrEqual(2);
    await t.http.get('/fraud-cases/stats').set(as(agent)).expect(403);
  });
});
