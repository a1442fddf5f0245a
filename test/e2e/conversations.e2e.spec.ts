import { randomBytes } from 'node:crypto';
import { TWILIO_WEBHOOK_PATHS, statusCallbackPath } from '../../src/channels/twilio-webhook.paths';
import { TwilioWebhookSigner } from '../../src/channels/twilio-webhook.signer';
import { ManualClock } from '../../src/common/clock';
import { agentTask, ALL_IDENTITY_STEPS } from '../support/agent-work';
import { cookies, hiddenCsrf, signedIn } from '../support/console-session';
import { insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

/** Tuesday 11:00 in New York (EDT since Sunday): a collections call is allowed, the day is day 1 of a lock-out. */
const NOW = '2026-03-10T15:00:00Z';
/** Day 8 after the conversation, at the opening of collections hours (08:00 EDT). */
const LOCK_OUT_ENDS = { utc: '2026-03-17T12:00:00.000Z', local: '2026-03-17T08:00:00-04:00' };

/**
 * Reg F's 7-day lock-out after a conversation about the debt, end to end: a collections call is
 * logged, the provider reports it answered, the agent records that they spoke with the customer
 * (through the API or the console's agent desk) — and only then are collection calls refused,
 * with the reason and the instant they are allowed again.
 */
describe('conversations are recorded and counted (Reg F lock-out)', () => {
  let t: TestApp;
  let agent: string;
  let agentId: string;
  let ops: string;
  const clock = new ManualClock(new Date(NOW));

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    [{ key: agent, id: agentId }, ops] = await Promise.all([t.userFor('agent'), t.keyFor('ops')]);
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(NOW));

  /** A customer in New York, with a collections call task the agent holds (agents act only through their tasks). */
  const usCustomer = async () => {
    const customerId = await insertCustomer(t.db, { country: 'US', timezone: 'America/New_York', phone: '+12125550147' });
    await agentTask(t.db, { customerId, takenBy: agentId });
    return customerId;
  };
  const eligibility = (customerId: string) =>
    t.http
      .get(`/customers/${customerId}/eligibility?purpose=collections&channel=call`)
      .auth(ops, { type: 'bearer' })
      .expect(200)
      .then((res) => res.body);
  // The agent did the script's identity steps (agent-access e2e tests the refusal when not).
  const dispose = (customerId: string, body: object) =>
    t.http
      .post(`/customers/${customerId}/dispositions`)
      .auth(agent, { type: 'bearer' })
      .send({ identityVerified: true, ...body });

  /** A collections call as the dispatcher or click-to-call logs it, placed `minutesAgo` before now. */
  async function loggedCall(customerId: string, minutesAgo: number, status = 'ringing'): Promise<string> {
    const [{ id }] = await t.db.query(
      `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, provider_ref, status, attempted_at)
       VALUES ($1, 'collections', 'call', 'sandbox', $2, $3, $4) RETURNING id`,
      [customerId, `CA${randomBytes(16).toString('hex')}`, status, new Date(Date.parse(NOW) - minutesAgo * 60_000)],
    );
    return id;
  }

  /** Twilio's signed call-status callback for the attempt, as the provider posts it. */
  async function callStatus(attemptId: string, status: string): Promise<void> {
    const path = statusCallbackPath(TWILIO_WEBHOOK_PATHS.callStatus, attemptId);
    const [{ provider_ref }] = await t.db.query(`SELECT provider_ref FROM contact_attempts WHERE id = $1`, [attemptId]);
    const params = { CallSid: provider_ref, CallStatus: status, AnsweredBy: 'human', CallDuration: '95' };
    const signer = t.app.get(TwilioWebhookSigner);
    await t.http
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', signer.sign(signer.publicUrl(path), params))
      .send(params)
      .expect((res) => expect(res.status).toBeLessThan(300));
  }

  const attempt = (id: string) =>
    t.db
      .query(`SELECT connected, conversation FROM contact_attempts WHERE id = $1`, [id])
      .then(([row]: { connected: boolean; conversation: boolean }[]) => row);

  it('a connected call alone is no conversation; the agent’s right-party disposition makes it one and locks calls out for 7 local days', async () => {
    const customerId = await usCustomer();
    const callId = await loggedCall(customerId, 6);
    await callStatus(callId, 'in-progress');
    await callStatus(callId, 'completed');
    expect(await attempt(callId)).toEqual({ connected: true, conversation: false });
    expect(await eligibility(customerId)).toMatchObject({ allowed: true, pack: 'us' });

    const { body } = await dispose(customerId, { code: 'right_party_contact', purpose: 'collections' }).expect(201);
    expect(body.conversation).toEqual({
      attemptId: callId,
      callAt: new Date(Date.parse(NOW) - 6 * 60_000).toISOString(),
      recordedOn: 'call_attempt',
    });
    expect(await attempt(callId)).toEqual({ connected: true, conversation: true });

    const decision = await eligibility(customerId);
    expect(decision).toMatchObject({ allowed: false, final: false, timeZone: 'America/New_York', nextAllowedAt: LOCK_OUT_ENDS });
    const lockOut = decision.reasons.find((reason: { code: string }) => reason.code === 'CAP_US_CONVERSATION_LOCKOUT');
    expect(lockOut).toMatchObject({
      params: { limit: 1, windowLocalDays: 7, counted: 1, zone: 'America/New_York' },
      until: { utc: '2026-03-17T04:00:00.000Z', local: '2026-03-17T00:00:00-04:00' },
      message: expect.stringContaining('conversation about the debt'),
    });

    // Day 7 is still locked; day 8 at 08:00 New York time is free again.
    clock.set('2026-03-16T23:59:00Z');
    expect(await eligibility(customerId)).toMatchObject({ allowed: false, nextAllowedAt: LOCK_OUT_ENDS });
    clock.set(LOCK_OUT_ENDS.utc);
    expect(await eligibility(customerId)).toMatchObject({ allowed: true });
  });

  it('marks the call the disposition names, and refuses one that is not this customer’s collections call', async () => {
    const customerId = await usCustomer();
    const older = await loggedCall(customerId, 120, 'completed');
    await loggedCall(customerId, 3, 'no_answer');
    const other = await usCustomer();
    const elsewhere = await loggedCall(other, 5, 'completed');

    const wrong = await dispose(customerId, { code: 'right_party_contact', purpose: 'collections', attemptId: elsewhere }).expect(
      400,
    );
    expect(wrong.body.error).toMatchObject({
      code: 'DISPOSITION_ATTEMPT_MISMATCH',
      details: [{ field: 'attemptId', reason: 'is not a call attempt to this customer' }],
    });
    const bad = await dispose(customerId, { code: 'right_party_contact', attemptId: 'CA123' }).expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'attemptId', reason: 'must be a UUID' }]);

    const { body } = await dispose(customerId, {
      code: 'promise_to_pay',
      purpose: 'collections',
      attemptId: older,
      promise: { date: '2026-03-13', amount: 50000 },
    }).expect(201);
    expect(body.conversation).toMatchObject({ attemptId: older, recordedOn: 'call_attempt' });
    expect(await eligibility(customerId)).toMatchObject({ allowed: false, nextAllowedAt: LOCK_OUT_ENDS });
  });

  it('records no conversation for a wrong number, a call nobody answered, or a reminder call', async () => {
    const customerId = await usCustomer();
    const callId = await loggedCall(customerId, 4, 'completed');
    for (const code of ['wrong_number', 'no_answer', 'refused']) {
      const { body } = await dispose(customerId, { code, purpose: 'collections' }).expect(201);
      expect(body.conversation).toBeNull();
    }
    const { body } = await dispose(customerId, { code: 'right_party_contact', purpose: 'service' }).expect(201);
    expect(body.conversation).toBeNull();
    expect(await attempt(callId)).toMatchObject({ conversation: false });
    expect(await eligibility(customerId)).toMatchObject({ allowed: true });
  });

  it('logs a conversation on a call Herald did not place as a call of its own, so the lock-out holds', async () => {
    const customerId = await usCustomer();
    const { body } = await dispose(customerId, { code: 'right_party_contact' }).expect(201);
    expect(body.conversation).toMatchObject({ recordedOn: 'agent_record', callAt: new Date(NOW).toISOString() });
    const [row] = await t.db.query(
      `SELECT channel, purpose, provider, status, connected, conversation, subject_ref FROM contact_attempts WHERE id = $1`,
      [body.conversation.attemptId],
    );
    expect(row).toEqual({
      channel: 'call',
      purpose: 'collections',
      provider: 'agent',
      status: 'completed',
      connected: true,
      conversation: true,
      subject_ref: `disposition:${body.id}`,
    });
    expect(await eligibility(customerId)).toMatchObject({ allowed: false, nextAllowedAt: LOCK_OUT_ENDS });
  });

  it('refuses a call back inside the lock-out the same disposition starts', async () => {
    const customerId = await usCustomer();
    await loggedCall(customerId, 2, 'completed');
    const res = await dispose(customerId, { code: 'call_back_at', callBackAt: '2026-03-12T15:00:00Z' }).expect(400);
    expect(res.body.error.details).toEqual([
      { field: 'callBackAt', reason: expect.stringContaining('a conversation about the debt within 7 local days') },
    ]);
    await dispose(customerId, { code: 'call_back_at', callBackAt: '2026-03-17T14:00:00Z' }).expect(201);
  });

  it('does the same from the console’s agent desk: the disposition form marks the click-to-call attempt', async () => {
    const customerId = await usCustomer();
    // The script must render to show its identity steps: it reads the card's last four and the due date.
    await t.db.query(`UPDATE customers SET card_last4 = '4821', due_date = '2026-02-25', minimum_due = 12000 WHERE id = $1`, [
      customerId,
    ]);
    const [{ id: taskId }] = await t.db.query(
      `INSERT INTO work_orders (customer_id, kind, priority, subject_ref, opened_at, updated_at, due_by, summary, severity, queue)
       VALUES ($1, 'collections-dpd-31', 200, $2, $3, $3, $3::timestamptz + interval '1 day', 'Collections call', 'medium', 'agent-desk')
       RETURNING id`,
      [customerId, `collections:${customerId}`, new Date(NOW)],
    );
    const callId = await loggedCall(customerId, 8);
    await callStatus(callId, 'completed');

    const desk = await signedIn(t, 'agent');
    await t.http
      .post(`/console/agent/tasks/${taskId}/take`)
      .set('Cookie', desk.cookie)
      .type('form')
      .send({ _csrf: desk.csrf })
      .expect(303);
    const page = await t.http.get(`/console/agent/tasks/${taskId}`).set('Cookie', desk.cookie).expect(200);
    const done = await t.http
      .post(`/console/agent/tasks/${taskId}/disposition`)
      .set('Cookie', [desk.cookie, ...Object.entries(cookies(page)).map(([k, v]) => `${k}=${v}`)].join('; '))
      .type('form')
      .send({
        _csrf: hiddenCsrf(page.text),
        code: 'right_party_contact',
        check: ALL_IDENTITY_STEPS,
        note: 'spoke with the customer',
      });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/console/agent?done=1');

    expect(await attempt(callId)).toEqual({ connected: true, conversation: true });
    const decision = await eligibility(customerId);
    expect(decision).toMatchObject({ allowed: false, nextAllowedAt: LOCK_OUT_ENDS });
    expect(decision.reasons.map((reason: { code: string }) => reason.code)).toContain('CAP_US_CONVERSATION_LOCKOUT');
  });
});
