import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { FakeTwilio, twilioSignature } from '../support/fake-twilio.server';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = new Date('2026-11-23T02:00:00Z');
const HERALD_NUMBER = '+15005550006';

/** Customers answering back through signed Twilio webhooks and the one-click unsubscribe. */
describe('inbound SMS keywords and the one-click unsubscribe end to end', () => {
  const clock = new ManualClock(NOW);
  let twilio: FakeTwilio;
  let t: TestApp;
  let inboundUrl: string;

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    t = await startTestApp(
      { ...twilio.env({ TWILIO_FROM_NUMBER: HERALD_NUMBER }), SANDBOX_AUTO_CALLBACKS: 'false' },
      { clock, listen: true },
    );
    inboundUrl = `${t.config.publicBaseUrl}/webhooks/twilio/messages/inbound`;
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
  });

  const send = (customer: Customer, body: string) =>
    twilio.sendInboundSms(inboundUrl, { from: customer.phone!, to: HERALD_NUMBER, body });
  const ledger = (
    customerId: string,
  ): Promise<{ channel: string; scope: string; state: string; source: string; evidence: Record<string, string> }[]> =>
    t.db.query(`SELECT channel, scope, state, source, evidence FROM consent_events WHERE customer_id = $1 ORDER BY at, id`, [
      customerId,
    ]);
  const replies = (customerId: string): Promise<{ templateKey: string }[]> =>
    t.db.query(
      `SELECT template_key AS "templateKey" FROM contact_attempts WHERE customer_id = $1 AND purpose = 'service' ORDER BY attempted_at, id`,
      [customerId],
    );
  const message = (body: string) => /<Message>([\s\S]*)<\/Message>/.exec(body)?.[1];

  it('STOP revokes SMS with one confirmation; a repeated STOP records but confirms nothing; START restores', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    const stop = await send(customer, ' stop ');
    expect(stop.status).toBe(200);
    expect(message(stop.body)).toContain('you have opted out');
    clock.advance(60_000);
    const again = await send(customer, 'STOP');
    expect(again.status).toBe(200);
    expect(message(again.body)).toBeUndefined();
    clock.advance(60_000);
    const start = await send(customer, 'Start');
    expect(message(start.body)).toContain('Reply STOP');

    const entries = await ledger(customer.id);
    expect(entries.map((e) => [e.channel, e.scope, e.state, e.source])).toEqual([
      ['sms', 'all', 'revoked', 'sms_keyword'],
      ['sms', 'all', 'revoked', 'sms_keyword'],
      ['sms', 'all', 'granted', 'sms_keyword'],
    ]);
    expect(entries[0].evidence.messageSid).toBe(stop.params.MessageSid);
    expect((await replies(customer.id)).map((r) => r.templateKey)).toEqual(['opt-out-confirmation', 'help']);
  });

  it('two STOPs at once from one customer: both on the ledger, one confirmation', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    const answers = await Promise.all([send(customer, 'STOP'), send(customer, 'QUIT')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.filter((a) => message(a.body) !== undefined)).toHaveLength(1);
    expect(await ledger(customer.id)).toHaveLength(2);
    expect((await replies(customer.id)).map((r) => r.templateKey)).toEqual(['opt-out-confirmation']);
  });

  it('a STOP that waited for another writer of the same customer reads the ledger as it stands after the wait', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    const other = t.db.createQueryRunner();
    await other.startTransaction();
    try {
      await other.query(`SELECT id FROM customers WHERE id = $1 FOR NO KEY UPDATE`, [customer.id]);
      await other.query(
        `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'sms', 'all', 'revoked', 'agent', $2)`,
        [customer.id, new Date(NOW.getTime() - 1_000)],
      );
      const stop = send(customer, 'STOP'); // waits for the lock held above
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.commitTransaction();
      expect(message((await stop).body)).toBeUndefined();
    } finally {
      await other.release();
    }
    expect((await ledger(customer.id)).map((e) => [e.state, e.source])).toEqual([
      ['revoked', 'agent'],
      ['revoked', 'sms_keyword'],
    ]);
    expect(await replies(customer.id)).toEqual([]);
  });

  it('TD revokes marketing SMS only, in Chinese too, with one confirmation', async () => {
    const customer = await store.customer(t.db, { locale: 'zh-CN' });
    const td = await send(customer, '退订');
    expect(message(td.body)).toBeDefined();
    expect(await ledger(customer.id)).toEqual([
      expect.objectContaining({ channel: 'sms', scope: 'marketing', state: 'revoked' }),
    ]);
    expect((await replies(customer.id)).map((r) => r.templateKey)).toEqual(['marketing-opt-out-confirmation']);
  });

  it('HELP and a Y with no case open get the help text; free text is kept for an agent', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    expect(message((await send(customer, 'help')).body)).toContain('for help call');
    clock.advance(1000);
    expect(message((await send(customer, 'Y')).body)).toContain('for help call');
    clock.advance(1000);
    const free = await send(customer, 'Can I pay next week instead?');
    expect(message(free.body)).toBeUndefined();
    const stored = await t.db.query(`SELECT intent, body FROM inbound_messages WHERE customer_id = $1 ORDER BY received_at, id`, [
      customer.id,
    ]);
    expect(stored.map((m: { intent: string }) => m.intent)).toEqual(['help', 'answer_without_case', 'free_text']);
    expect(await ledger(customer.id)).toEqual([]);
  });

  it('matches a shared phone to the customer contacted last, and stores senders it does not know', async () => {
    const earlier = await store.customer(t.db, { lastContactAt: new Date('2026-11-01T00:00:00Z') } as Partial<Customer>);
    const later = await store.customer(t.db, {
      phone: earlier.phone,
      lastContactAt: new Date('2026-11-20T00:00:00Z'),
    } as Partial<Customer>);
    await send(earlier, 'TD');
    expect(await ledger(later.id)).toHaveLength(1);
    expect(await ledger(earlier.id)).toHaveLength(0);

    const stranger = await twilio.sendInboundSms(inboundUrl, { from: '+8613900000000', to: HERALD_NUMBER, body: 'STOP' });
    expect(stranger.status).toBe(200);
    const [row] = await t.db.query(`SELECT customer_id, intent FROM inbound_messages WHERE provider_ref = $1`, [
      stranger.params.MessageSid,
    ]);
    expect(row).toEqual({ customer_id: null, intent: 'opt_out_all' });
  });

  it('a retried webhook (same MessageSid) has one effect', async () => {
    const customer = await store.customer(t.db);
    const first = await send(customer, 'STOP');
    const retry = await twilio.postSigned(inboundUrl, first.params);
    expect(retry.status).toBe(200);
    expect(message(retry.body)).toBeUndefined();
    expect(await ledger(customer.id)).toHaveLength(1);
  });

  it('a burst of replies, written in shared batches, has each message’s own effect once', async () => {
    const customers = await Promise.all(Array.from({ length: 8 }, () => store.customer(t.db, { locale: 'en' })));
    const bodies = ['STOP', 'HELP', 'START', 'when is my bill due?', 'STOP', 'Y', 'TD', 'ok'];
    const first = await Promise.all(customers.map((c, i) => send(c, bodies[i])));
    // Twilio retrying all of them at once, and the first again beside its own retry.
    const retries = await Promise.all([...first, first[0]].map((f) => twilio.postSigned(inboundUrl, f.params)));
    expect([...first, ...retries].map((r) => r.status).every((status) => status === 200)).toBe(true);
    expect(retries.map((r) => message(r.body))).toEqual(Array(9).fill(undefined));

    expect(first.map((r) => message(r.body) !== undefined)).toEqual([true, true, true, false, true, true, true, false]);
    const kept = await t.db.query(`SELECT customer_id AS "customerId" FROM inbound_messages WHERE provider_ref = ANY ($1)`, [
      first.map((f) => f.params.MessageSid),
    ]);
    expect(kept.map((k: { customerId: string }) => k.customerId).sort()).toEqual(customers.map((c) => c.id).sort());
    for (const [i, customer] of customers.entries()) {
      const keyword = ['STOP', 'START', 'TD'].includes(bodies[i]) ? 1 : 0;
      expect(await ledger(customer.id)).toHaveLength(keyword);
    }
    expect((await replies(customers[0].id)).map((r) => r.templateKey)).toEqual(['opt-out-confirmation']);
    expect((await replies(customers[2].id)).map((r) => r.templateKey)).toEqual(['help']); // START: the first word on the ledger
    expect((await replies(customers[5].id)).map((r) => r.templateKey)).toEqual(['help']); // Y with no case open
  });

  it('refuses unsigned (400) and wrongly signed (403) requests and processes nothing', async () => {
    const customer = await store.customer(t.db);
    const params = { MessageSid: 'SMunsigned', From: customer.phone!, To: HERALD_NUMBER, Body: 'STOP' };
    await t.http.post('/webhooks/twilio/messages/inbound').type('form').send(params).expect(400);
    await t.http
      .post('/webhooks/twilio/messages/inbound')
      .type('form')
      .set('X-Twilio-Signature', 'bm90IGl0')
      .send(params)
      .expect(403);
    // Signed, but a required field is missing: 400 naming it.
    const signedWithoutFrom = { MessageSid: 'SMnofrom', Body: 'STOP' };
    const res = await t.http
      .post('/webhooks/twilio/messages/inbound')
      .type('form')
      .set('X-Twilio-Signature', twilioSignature(twilio.authToken, inboundUrl, signedWithoutFrom))
      .send(signedWithoutFrom)
      .expect(400);
    expect(JSON.parse(res.text).error.details).toEqual([{ field: 'From', reason: 'is required' }]);
    expect(await ledger(customer.id)).toEqual([]);
  });

  it('one-click unsubscribe: GET shows a button, POST revokes marketing e-mail once', async () => {
    const customer = await store.customer(t.db);
    const [{ id: attemptId }] = await t.db.query(
      `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status) VALUES ($1, 'marketing', 'email', 'smtp', 'sent') RETURNING id`,
      [customer.id],
    );
    const page = await t.http.get(`/unsubscribe/${attemptId}`).expect(200);
    expect(page.text).toContain(`action="/unsubscribe/${attemptId}"`);
    expect(await ledger(customer.id)).toEqual([]);

    await t.http.post(`/unsubscribe/${attemptId}`).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);
    await t.http.post(`/unsubscribe/${attemptId}`).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);
    expect(await ledger(customer.id)).toEqual([
      { channel: 'email', scope: 'marketing', state: 'revoked', source: 'email_one_click', evidence: { attemptId } },
    ]);
    await t.http.post(`/unsubscribe/${attemptId}`).type('form').send({}).expect(400);
    await t.http
      .post('/unsubscribe/6f1c1a0e-7a4b-4c1e-9d1e-2b3c4d5e6f70')
      .type('form')
      .send({ 'List-Unsubscribe': 'One-Click' })
      .expect(404);
  });
});
