import { ManualClock } from '../../src/common/clock';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES } from '../../src/dispatch/outbox.repository';
import { RepaymentJob } from '../../src/flows/repayment/repayment.job';
import { agentTask } from '../support/agent-work';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

const BULK = LANES[1];

describe('a payment stops the cycle’s reminders and collections (HTTP, real database)', () => {
  const clock = new ManualClock(new Date('2026-11-21T17:00:00Z'));
  let t: TestApp;
  let integration: string;
  let agent: string;
  let agentId: string;

  beforeAll(async () => {
    t = await startTestApp(
      { REPAYMENT_JOB_ENABLED: 'false', SMS_PER_SECOND: '0', EMAIL_PER_SECOND: '0', CALLS_PER_SECOND: '0' },
      { clock },
    );
    let held: { id: string; key: string };
    [integration, held] = await Promise.all([t.keyFor('integration'), t.userFor('agent')]);
    [agent, agentId] = [held.key, held.id];
  });
  afterAll(() => t.close());

  const pay = (body: object, key = integration) => t.http.post('/payments').set('Authorization', `Bearer ${key}`).send(body);
  const statuses = (customerId: string) =>
    t.db
      .query(`SELECT status, reasons FROM contact_tasks WHERE customer_id = $1 ORDER BY step`, [customerId])
      .then((rows: { status: string; reasons: { code: string }[] }[]) =>
        rows.map((r) => [r.status, r.reasons.map((x) => x.code)]),
      );

  it('cancels the pending reminders at once, and the dispatcher then sends nothing for them', async () => {
    const c = await store.customer(t.db, {
      externalRef: 'CARD-PAY-1',
      dueDate: '2026-11-25',
      minimumDue: 10_000,
      daysPastDue: 0,
    });
    clock.set('2026-11-21T17:00:00Z');
    await t.app.get(RepaymentJob).run(); // the SMS, 3 days before
    clock.set('2026-11-23T17:00:00Z');
    await t.app.get(RepaymentJob).run(); // the e-mail, 1 day before
    expect(await statuses(c.id)).toEqual([
      ['pending', []],
      ['pending', []],
    ]);

    const part = await pay({
      externalRef: 'CARD-PAY-1',
      amount: 4_000,
      currency: 'CNY',
      paidAt: '2026-11-23T16:00:00Z',
      reference: 'PAY-A',
    }).expect(201);
    expect(part.body).toMatchObject({ duplicate: false, paidThisCycle: 4_000, minimumCovered: false, cancelledTasks: 0 });

    const paid = await pay({
      externalRef: 'CARD-PAY-1',
      amount: 6_000,
      currency: 'CNY',
      paidAt: '2026-11-23T16:30:00Z',
      reference: 'PAY-B',
    }).expect(201);
    expect(paid.body).toMatchObject({ duplicate: false, paidThisCycle: 10_000, minimumCovered: true, cancelledTasks: 2 });
    expect(await statuses(c.id)).toEqual([
      ['cancelled', ['PAID']],
      ['cancelled', ['PAID']],
    ]);

    clock.set('2026-11-24T02:00:00Z'); // both would be due now
    const report = await t.app.get(Dispatcher).runBatch(BULK);
    expect(report.sent ?? 0).toBe(0);
    expect(await t.db.query(`SELECT 1 FROM contact_attempts WHERE customer_id = $1`, [c.id])).toEqual([]);

    // Nor does the job queue the due-day call for a customer who has paid.
    clock.set('2026-11-24T17:00:00Z');
    await t.app.get(RepaymentJob).run();
    expect(await statuses(c.id)).toHaveLength(2);
  });

  it('is idempotent by reference: the same payment again changes nothing; another under it is a conflict', async () => {
    const c = await store.customer(t.db, { externalRef: 'CARD-PAY-2', minimumDue: 10_000 });
    const body = { customerId: c.id, amount: 3_000, currency: 'CNY', paidAt: '2026-11-23T16:00:00Z', reference: 'PAY-C' };
    await pay(body).expect(201);
    const again = await pay(body).expect(201);
    expect(again.body).toMatchObject({ duplicate: true, paidThisCycle: 3_000 });
    const [row] = await t.db.query(`SELECT paid_this_cycle FROM customers WHERE id = $1`, [c.id]);
    expect(Number(row.paid_this_cycle)).toBe(3_000);

    const conflict = await pay({ ...body, amount: 3_001 }).expect(409);
    expect(conflict.body.error.code).toBe('PAYMENT_REFERENCE_CONFLICT');
  });

  it('covers the minimum of a past-due customer: days past due to 0, collection SMS and agent call cancelled', async () => {
    const c = await store.customer(t.db, { dueDate: '2026-10-10', daysPastDue: 45, minimumDue: 10_000 });
    const early = await store.customer(t.db, { dueDate: '2026-11-10', daysPastDue: 5, minimumDue: 10_000 });
    clock.set('2026-11-24T17:00:00Z');
    await t.app.get(RepaymentJob).run();

    const res = await pay({
      customerId: c.id,
      amount: 10_000,
      currency: 'CNY',
      paidAt: '2026-11-25T01:00:00Z',
      reference: 'PAY-D',
    }).expect(201);
    expect(res.body).toMatchObject({ minimumCovered: true, cancelledAgentTasks: 1 });
    const [profile] = await t.db.query(`SELECT days_past_due, last_outcomes FROM customers WHERE id = $1`, [c.id]);
    expect(profile.days_past_due).toBe(0);
    expect(profile.last_outcomes.collections).toMatchObject({ outcome: 'paid' });
    expect(
      await t.db.query(`SELECT status, reasons FROM work_orders WHERE customer_id = $1 AND queue = 'agent-desk'`, [c.id]),
    ).toEqual([{ status: 'cancelled', reasons: [{ code: 'PAID' }] }]);

    await pay({
      customerId: early.id,
      amount: 12_000,
      currency: 'CNY',
      paidAt: '2026-11-25T01:00:00Z',
      reference: 'PAY-E',
    }).expect(201);
    expect(await statuses(early.id)).toEqual([['cancelled', ['PAID']]]);
  });

  it('keeps a promise once the promised amount is paid', async () => {
    const c = await store.customer(t.db, { daysPastDue: 4, minimumDue: 50_000 });
    await agentTask(t.db, { customerId: c.id, takenBy: agentId });
    clock.set('2026-11-23T03:00:00Z');
    await t.http
      .post(`/customers/${c.id}/promise-to-pay`)
      .set('Authorization', `Bearer ${agent}`)
      .send({ date: '2026-11-28', amount: 20_000 })
      .expect(201);
    const res = await pay({
      customerId: c.id,
      amount: 20_000,
      currency: 'CNY',
      paidAt: '2026-11-24T03:00:00Z',
      reference: 'PAY-F',
    }).expect(201);
    expect(res.body).toMatchObject({ promiseStatus: 'kept', minimumCovered: false });
  });

  it('refuses a payment from anyone but the core system, in another currency, or for nobody', async () => {
    const c = await store.customer(t.db);
    const body = { customerId: c.id, amount: 100, currency: 'CNY', paidAt: '2026-11-23T16:00:00Z', reference: 'PAY-G' };
    await pay(body, agent).expect(403);
    expect((await pay({ ...body, currency: 'USD' }).expect(422)).body.error.code).toBe('PAYMENT_CURRENCY_MISMATCH');
    expect((await pay({ ...body, customerId: undefined, externalRef: 'NOBODY' }).expect(422)).body.error.code).toBe(
      'PAYMENT_CUSTOMER_UNKNOWN',
    );
    expect((await pay({ ...body, amount: 0 }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });
});
