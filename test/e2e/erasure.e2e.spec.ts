import { ManualClock } from '../../src/common/clock';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES, OutboxRepository } from '../../src/dispatch/outbox.repository';
import { FakeTwilio } from '../support/fake-twilio.server';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = new Date('2026-11-23T03:00:00Z'); // Monday, 11:00 in Shanghai
const HERALD_NUMBER = '+15005550006';
const [, BULK] = LANES;

/** Every personal value of the customer below, in each form Herald could have kept it. */
const PERSONAL = ['林可删', 'DSR-LIN-0412', '+8613912345678', '8613912345678', '13912345678', 'lin.kedel@example.com'];

describe('erasing a customer (PIPL art. 47, GDPR art. 17)', () => {
  const clock = new ManualClock(NOW);
  let twilio: FakeTwilio;
  let t: TestApp;
  let admin: string;
  let ops: string;

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    t = await startTestApp(
      {
        ...twilio.env({ TWILIO_FROM_NUMBER: HERALD_NUMBER }),
        SANDBOX_AUTO_CALLBACKS: 'false',
        ERASURE_HASH_KEY: 'erasure-test-key-0123456789abcdef01',
      },
      { clock, listen: true },
    );
    admin = await t.keyFor('admin');
    ops = await t.keyFor('ops');
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
  });

  const post = (path: string, key: string, body: object) => t.http.post(path).auth(key, { type: 'bearer' }).send(body);

  /** `table.column` for every text, JSON or array column of every table holding one of the values. */
  async function whereFound(values: string[]): Promise<string[]> {
    const columns: { table: string; column: string }[] = await t.db.query(
      `SELECT table_name AS table, column_name AS column FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')
        ORDER BY 1, 2`,
    );
    const found: string[] = [];
    for (const { table, column } of columns) {
      const [{ hit }] = await t.db.query(
        `SELECT EXISTS (SELECT 1 FROM "${table}" WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) v WHERE strpos("${column}"::text, v) > 0)) AS hit`,
        [values],
      );
      if (hit) found.push(`${table}.${column}`);
    }
    return found;
  }

  it('leaves no personal value of the customer in any table, keeps the ledger as evidence, and nothing reaches them again', async () => {
    const { body: customer } = await post('/customers', ops, {
      externalRef: 'DSR-LIN-0412',
      fullName: '林可删',
      phone: '13912345678',
      email: 'lin.kedel@example.com',
      cardLast4: '4821',
      statementBalance: 123_450,
      minimumDue: 12_345,
      dueDate: '2026-11-28',
    }).expect(201);
    // A history: an SMS (Twilio) and an e-mail (sandbox) sent, a free-text reply, STOP, consent
    // recorded by staff with the address as evidence, and a contact still queued.
    const outbox = t.app.get(OutboxRepository);
    const contact = (channel: 'sms' | 'email', dueAt: Date) => ({
      customerId: customer.id,
      purpose: 'service' as const,
      channel,
      templateKey: 'repayment-reminder-before-due',
      dueAt,
    });
    await outbox.enqueue([contact('sms', NOW), contact('email', NOW)]);
    await expect(t.app.get(Dispatcher).runBatch(BULK)).resolves.toMatchObject({ sent: 2 });
    const inbound = `${t.config.publicBaseUrl}/webhooks/twilio/messages/inbound`;
    await twilio.sendInboundSms(inbound, { from: '+8613912345678', to: HERALD_NUMBER, body: '我是林可删，请打13912345678找我' });
    await twilio.sendInboundSms(inbound, { from: '+8613912345678', to: HERALD_NUMBER, body: 'STOP' });
    // Through an idempotency key: its answer, with the evidence, is kept for replays.
    await post(`/customers/${customer.id}/consent`, ops, {
      channel: 'email',
      scope: 'marketing',
      state: 'granted',
      evidence: { form: 'branch sign-up', email: 'lin.kedel@example.com', signedBy: '林可删' },
    })
      .set('Idempotency-Key', 'consent-lin-1')
      .expect(201);
    await outbox.enqueue([contact('email', new Date(NOW.getTime() + 86_400_000))]);
    const count = async (table: string) =>
      (await t.db.query(`SELECT count(*)::int AS n FROM ${table} WHERE customer_id = $1`, [customer.id]))[0].n;
    const [ledgerBefore, attempts] = [await count('consent_events'), await count('contact_attempts')];
    expect(attempts).toBeGreaterThanOrEqual(3); // the SMS, the e-mail, and STOP's confirmation
    // The scan sees what it looks for, wherever the history put it.
    expect(await whereFound(PERSONAL)).toEqual(
      expect.arrayContaining([
        'customers.full_name',
        'contact_attempts.recipient',
        'sandbox_messages.body',
        'inbound_messages.body',
        'consent_events.evidence',
        'idempotency_keys.response_body',
      ]),
    );

    const erased = await post(`/customers/${customer.id}/erasure`, admin, {
      reason: 'PIPL art. 47 request, ticket DSR-2026-0412',
    }).expect(200);

    expect(erased.body.redacted).toMatchObject({ contact_attempts: attempts, inbound_messages: 2, contact_tasks_withdrawn: 1 });
    expect(await whereFound(PERSONAL)).toEqual([]);
    // The ledger is kept as evidence, its addresses replaced by their keyed hash.
    const ledger: { evidence: Record<string, unknown> }[] = await t.db.query(
      `SELECT evidence FROM consent_events WHERE customer_id = $1`,
      [customer.id],
    );
    expect(ledger.length).toBe(ledgerBefore);
    expect(JSON.stringify(ledger)).toMatch(/erased:[0-9a-f]{32}/);
    // Not found by phone or e-mail, not reachable on any channel, the queued e-mail withdrawn.
    for (const query of [{ phone: '13912345678' }, { email: 'lin.kedel@example.com' }]) {
      const found = await t.http.get('/customers').query(query).auth(ops, { type: 'bearer' }).expect(200);
      expect(JSON.stringify(found.body)).not.toContain(customer.id);
    }
    for (const channel of ['sms', 'email', 'call']) {
      const { body } = await t.http
        .get(`/customers/${customer.id}/eligibility`)
        .query({ purpose: 'collections', channel })
        .auth(ops, { type: 'bearer' })
        .expect(200);
      expect(body.allowed).toBe(false);
      expect(body.reasons.map((r: { code: string }) => r.code)).toContain('NO_ADDRESS');
    }
    const [queued] = await t.db.query(`SELECT status, reasons FROM contact_tasks WHERE customer_id = $1 AND due_at > $2`, [
      customer.id,
      NOW,
    ]);
    expect(queued).toMatchObject({ status: 'cancelled', reasons: [{ code: 'CUSTOMER_ERASED' }] });
    const [record] = await t.db.query(`SELECT reason, erased_by FROM customer_erasures WHERE customer_id = $1`, [customer.id]);
    expect(record.reason).toBe('PIPL art. 47 request, ticket DSR-2026-0412');

    const again = await post(`/customers/${customer.id}/erasure`, admin, { reason: 'twice' }).expect(409);
    expect(again.body.error.code).toBe('CUSTOMER_ALREADY_ERASED');
  });

  it('asks for a reason, lets only an admin erase, and changes nothing when refused', async () => {
    const { body: customer } = await post('/customers', ops, {
      externalRef: 'DSR-KEEP-1',
      fullName: '周留',
      phone: '13700001111',
    }).expect(201);
    const missing = await post(`/customers/${customer.id}/erasure`, admin, {}).expect(400);
    expect(new Set(missing.body.error.details.map((d: { field: string }) => d.field))).toEqual(new Set(['reason']));
    await post(`/customers/${customer.id}/erasure`, ops, { reason: 'not mine to do' }).expect(403);
    await post('/customers/00000000-0000-4000-8000-000000000000/erasure', admin, { reason: 'nobody' }).expect(404);
    const [kept] = await t.db.query(`SELECT full_name, phone, erased_at FROM customers WHERE id = $1`, [customer.id]);
    expect(kept).toEqual({ full_name: '周留', phone: '+8613700001111', erased_at: null });
  });
});
