import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES } from '../../src/dispatch/outbox.repository';
import { RepaymentJob } from '../../src/flows/repayment/repayment.job';
import { agentTask } from '../support/agent-work';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

const BULK = LANES[1];

interface TaskRow {
  step: number;
  channel: string;
  purpose: string;
  template_key: string;
  status: string;
  due_at: string;
  subject_ref: string;
  reasons: { code: string }[];
  variables: Record<string, unknown>;
}

describe('the repayment, collections and activation job, real database', () => {
  const clock = new ManualClock(new Date('2026-11-21T17:00:00Z'));
  let t: TestApp;
  let job: RepaymentJob;
  let agentKey: string;
  let agentId: string;

  beforeAll(async () => {
    t = await startTestApp(
      { REPAYMENT_JOB_ENABLED: 'false', SMS_PER_SECOND: '0', EMAIL_PER_SECOND: '0', CALLS_PER_SECOND: '0' },
      { clock },
    );
    job = t.app.get(RepaymentJob);
    ({ key: agentKey, id: agentId } = await t.userFor('agent'));
  });
  afterAll(() => t.close());

  const tasksOf = (customer: Customer): Promise<TaskRow[]> =>
    t.db
      .query(
        `SELECT step, channel, purpose, template_key, status, due_at, subject_ref, reasons, variables
           FROM contact_tasks WHERE customer_id = $1 ORDER BY step`,
        [customer.id],
      )
      .then((rows: (Omit<TaskRow, 'due_at'> & { due_at: Date })[]) =>
        rows.map((r) => ({ ...r, due_at: r.due_at.toISOString() })),
      );
  /** The agent acts on a customer only through a task it holds (agent-access.rules.ts). */
  const holdTaskFor = (customer: Customer) => agentTask(t.db, { customerId: customer.id, takenBy: agentId });
  const runAt = (instant: string) => {
    clock.set(instant);
    return job.run();
  };

  it('queues each reminder in the Shanghai customer’s local morning, and nothing twice', async () => {
    const c = await store.customer(t.db, { timezone: 'Asia/Shanghai', dueDate: '2026-11-25', minimumDue: 10_000 });

    await runAt('2026-11-21T15:59:00Z'); // 23:59 on the 21st in Shanghai: 4 days before, nothing yet
    expect(await tasksOf(c)).toEqual([]);

    await runAt('2026-11-21T17:00:00Z'); // 01:00 on the 22nd: 3 days before
    expect(await tasksOf(c)).toMatchObject([
      {
        step: 1,
        channel: 'sms',
        purpose: 'service',
        template_key: 'repayment-reminder-before-due',
        status: 'pending',
        due_at: '2026-11-22T01:00:00.000Z', // 09:00 local
        subject_ref: `repay:${c.id}:2026-11-25`,
      },
    ]);
    const again = await job.run();
    expect(again.ran).toBe(true);
    expect(await tasksOf(c)).toHaveLength(1);

    await runAt('2026-11-24T02:30:00Z'); // 10:30 on the 24th: late in the morning, due at once
    await runAt('2026-11-25T00:00:00Z'); // 08:00 on the due day
    await runAt('2026-11-25T00:30:00Z');
    expect((await tasksOf(c)).map((r) => [r.step, r.channel, r.template_key, r.due_at])).toEqual([
      [1, 'sms', 'repayment-reminder-before-due', '2026-11-22T01:00:00.000Z'],
      [2, 'email', 'repayment-reminder-before-due', '2026-11-24T02:30:00.000Z'],
      [3, 'call', 'repayment-reminder-due-today', '2026-11-25T01:00:00.000Z'],
    ]);
  });

  it('keeps 09:00 local for a New York customer across the end of summer time', async () => {
    // Summer time ends on Sunday 1 November 2026: 09:00 is 13:00Z before, 14:00Z from that day.
    const c = await store.customer(t.db, {
      timezone: 'America/New_York',
      country: 'US',
      locale: 'en',
      currency: 'USD',
      dueDate: '2026-11-02',
    });
    await runAt('2026-10-30T05:00:00Z'); // 01:00 EDT on the 30th
    await runAt('2026-11-01T05:30:00Z'); // 00:30 EST on the 1st
    await runAt('2026-11-02T12:00:00Z'); // 07:00 EST on the 2nd
    expect((await tasksOf(c)).map((r) => [r.channel, r.due_at])).toEqual([
      ['sms', '2026-10-30T13:00:00.000Z'],
      ['email', '2026-11-01T14:00:00.000Z'],
      ['call', '2026-11-02T14:00:00.000Z'],
    ]);
  });

  it('sets the due-day call for the hour the customer answers most, and the IVR script renders', async () => {
    const c = await store.customer(t.db, { timezone: 'Asia/Shanghai', dueDate: '2026-12-01' });
    // Connected calls at 19:xx and 12:xx Shanghai time: 19:00 wins.
    await t.db.query(
      `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status, connected, attempted_at)
       SELECT $1, 'service', 'call', 'sandbox', 'completed', true, at
         FROM unnest($2::timestamptz[]) AS at`,
      [
        c.id,
        ['2026-10-01T11:10:00Z', '2026-10-08T11:40:00Z', '2026-10-15T11:05:00Z', '2026-10-02T04:00:00Z', '2026-10-09T04:00:00Z'],
      ],
    );
    await runAt('2026-11-30T17:00:00Z'); // 01:00 on the due day
    const [call] = await tasksOf(c);
    expect(call).toMatchObject({ channel: 'call', due_at: '2026-12-01T11:00:00.000Z' }); // 19:00 local

    await holdTaskFor(c);
    const outcomes = await t.http.get(`/customers/${c.id}/outcomes`).set('Authorization', `Bearer ${agentKey}`).expect(200);
    expect(outcomes.body).toMatchObject({ answersByHour: { 12: 2, 19: 3 }, preferredCallHour: 19 });

    clock.set('2026-12-01T11:00:00Z');
    const report = await t.app.get(Dispatcher).runBatch(BULK);
    expect(report).toMatchObject({ sent: 1 });
    const [attempt] = await t.db.query(
      `SELECT channel, template_key FROM contact_attempts WHERE task_id IS NOT NULL AND customer_id = $1`,
      [c.id],
    );
    expect(attempt).toEqual({ channel: 'call', template_key: 'repayment-reminder-due-today' });
  });

  it('does not remind a customer who has paid the minimum', async () => {
    const c = await store.customer(t.db, { dueDate: '2026-12-05', minimumDue: 10_000, paidThisCycle: 10_000 });
    await runAt('2026-12-01T17:00:00Z');
    await runAt('2026-12-03T17:00:00Z');
    expect(await tasksOf(c)).toEqual([]);
  });

  it('collects by days past due: a weekly SMS early, an agent call with the instalment offer later', async () => {
    const early = await store.customer(t.db, { dueDate: '2026-11-10', daysPastDue: 5 });
    const later = await store.customer(t.db, { dueDate: '2026-10-10', daysPastDue: 40 });
    await runAt('2026-11-15T17:00:00Z');
    await job.run();
    expect(await tasksOf(early)).toMatchObject([
      {
        step: 10,
        channel: 'sms',
        purpose: 'collections',
        template_key: 'collections-early',
        subject_ref: `collect:${early.id}:2026-11-10`,
      },
    ]);
    await t.db.query(`UPDATE customers SET days_past_due = 12 WHERE id = $1`, [early.id]);
    await job.run();
    expect((await tasksOf(early)).map((r) => r.step)).toEqual([10, 11]);

    expect(await tasksOf(later)).toEqual([]);
    const agentTasks = await t.db.query(
      `SELECT kind, template_key, status, not_before AS due_at, queue FROM work_orders WHERE customer_id = $1`,
      [later.id],
    );
    expect(agentTasks).toEqual([
      {
        kind: 'collections-dpd-31',
        template_key: 'collections-later-offer',
        status: 'open',
        due_at: new Date('2026-11-16T01:00:00Z'),
        queue: 'agent-desk',
      },
    ]);
  });

  it('holds collections while a promise to pay stands, and resumes them when it is broken', async () => {
    const c = await store.customer(t.db, { dueDate: '2026-11-10', daysPastDue: 8 });
    await runAt('2026-11-17T17:00:00Z'); // 01:00 on the 18th
    const [queued] = await tasksOf(c);
    expect(queued).toMatchObject({ step: 11, status: 'pending', due_at: '2026-11-18T01:00:00.000Z' });

    await holdTaskFor(c);
    const taken = await t.http
      .post(`/customers/${c.id}/promise-to-pay`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ date: '2026-11-20', amount: 5_000 })
      .expect(201);
    // Promised for the 20th with 3 days' grace: held until midnight starting the 24th, Shanghai.
    expect(taken.body).toMatchObject({ status: 'open', holdUntil: '2026-11-23T16:00:00.000Z', deferredTasks: 1 });
    expect((await tasksOf(c))[0]).toMatchObject({ status: 'pending', due_at: '2026-11-23T16:00:00.000Z' });

    await t.db.query(`UPDATE customers SET days_past_due = 15 WHERE id = $1`, [c.id]);
    const during = await runAt('2026-11-23T15:59:00Z');
    expect(during.brokenPromises).toBe(0);
    expect(await tasksOf(c)).toHaveLength(1);

    const after = await runAt('2026-11-23T16:00:00Z');
    expect(after.brokenPromises).toBeGreaterThanOrEqual(1);
    expect((await tasksOf(c)).map((r) => r.step)).toEqual([11, 12]);
    const [profile] = await t.db.query(`SELECT promise_to_pay_status, last_outcomes FROM customers WHERE id = $1`, [c.id]);
    expect(profile.promise_to_pay_status).toBe('broken');
    expect(profile.last_outcomes.collections).toMatchObject({ outcome: 'promise_broken' });
  });

  it('refuses a promise for a past date', async () => {
    const c = await store.customer(t.db, { daysPastDue: 3 });
    await holdTaskFor(c);
    clock.set('2026-11-23T03:00:00Z');
    const res = await t.http
      .post(`/customers/${c.id}/promise-to-pay`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ date: '2026-11-22', amount: 5_000 })
      .expect(422);
    expect(res.body.error.code).toBe('PROMISE_DATE_INVALID');
  });

  it('sends an activation sequence 14 days after issue, SMS then e-mail, and stops once the card is active', async () => {
    const c = await store.customer(t.db, { cardStatus: 'not_activated', cardIssuedOn: '2026-11-01', dueDate: null });
    await runAt('2026-11-14T17:00:00Z'); // the 15th local: 14 days after issue
    expect(await tasksOf(c)).toMatchObject([
      {
        step: 21,
        channel: 'sms',
        purpose: 'marketing',
        template_key: 'card-activation',
        due_at: '2026-11-15T01:00:00.000Z',
        variables: { link: { url: 'https://card.example.cn/activate' } },
      },
    ]);
    await runAt('2026-11-17T17:00:00Z'); // the 18th: 17 days
    await job.run();
    expect((await tasksOf(c)).map((r) => [r.step, r.channel, r.status])).toEqual([
      [21, 'sms', 'pending'],
      [22, 'email', 'pending'],
    ]);
    await t.db.query(`UPDATE customers SET card_status = 'active' WHERE id = $1`, [c.id]);
    await job.run();
    expect((await tasksOf(c)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('too many calls: the disposition mutes marketing for 90 days and the activation SMS is not sent', async () => {
    const c = await store.customer(t.db, { cardStatus: 'not_activated', cardIssuedOn: '2026-11-01', dueDate: null });
    await holdTaskFor(c);
    clock.set('2026-11-15T02:00:00Z');
    const res = await t.http
      .post(`/customers/${c.id}/dispositions`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ code: 'too_many_calls', purpose: 'collections' })
      .expect(201);
    expect(res.body.marketingMuteUntil).toBe('2027-02-13T02:00:00.000Z');
    await job.run();
    await t.db.query(`UPDATE contact_tasks SET status = 'cancelled' WHERE customer_id <> $1 AND status = 'pending'`, [c.id]);
    await t.app.get(Dispatcher).runBatch(BULK);
    const [task] = await tasksOf(c);
    expect(task.status).not.toBe('sent');
    // The only contact on the log is the agent's call itself (a conversation, logged by the disposition).
    expect(await t.db.query(`SELECT channel, provider FROM contact_attempts WHERE customer_id = $1`, [c.id])).toEqual([
      { channel: 'call', provider: 'agent' },
    ]);

    const profile = await t.http.get(`/customers/${c.id}/outcomes`).set('Authorization', `Bearer ${agentKey}`).expect(200);
    expect(profile.body).toMatchObject({
      lastDisposition: { code: 'too_many_calls' },
      lastOutcomes: { collections: { channel: 'call', outcome: 'too_many_calls' } },
    });
  });

  it('takes a promise through a promise_to_pay disposition and refuses one without it', async () => {
    const c = await store.customer(t.db, { daysPastDue: 3 });
    await holdTaskFor(c);
    clock.set('2026-11-23T03:00:00Z');
    const res = await t.http
      .post(`/customers/${c.id}/dispositions`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ code: 'promise_to_pay', identityVerified: true, promise: { date: '2026-11-30', amount: 20_000 } })
      .expect(201);
    expect(res.body.promise).toMatchObject({ status: 'open', promisedOn: '2026-11-30' });
    const bad = await t.http
      .post(`/customers/${c.id}/dispositions`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ code: 'promise_to_pay', identityVerified: true })
      .expect(400);
    expect(bad.body.error.code).toBe('DISPOSITION_PROMISE_MISMATCH');
  });

  it('an opt-out said on the phone goes into the consent ledger, with the disposition as evidence', async () => {
    const c = await store.customer(t.db, { daysPastDue: 3 });
    await holdTaskFor(c);
    clock.set('2026-11-23T03:00:00Z');
    const res = await t.http
      .post(`/customers/${c.id}/dispositions`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ code: 'opt_out', channel: 'sms' })
      .expect(201);
    const [entry] = await t.db.query(
      `SELECT channel, scope, state, source, evidence FROM consent_events WHERE customer_id = $1`,
      [c.id],
    );
    expect(entry).toEqual({
      channel: 'sms',
      scope: 'all',
      state: 'revoked',
      source: 'agent',
      evidence: { dispositionId: res.body.id },
    });
    const missing = await t.http
      .post(`/customers/${c.id}/dispositions`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ code: 'opt_out' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'DISPOSITION_CHANNEL_MISMATCH', details: [{ field: 'channel' }] });
  });

  it('a call back must fall where the policy allows a call, and becomes an agent task due then', async () => {
    const c = await store.customer(t.db, { daysPastDue: 40 });
    await holdTaskFor(c);
    clock.set('2026-11-23T03:00:00Z'); // Monday 11:00 in Shanghai
    const quiet = await t.http
      .post(`/customers/${c.id}/dispositions`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ code: 'call_back_at', callBackAt: '2026-11-23T15:30:00Z' }); // 23:30 in Shanghai
    expect(quiet.status).toBe(400);
    expect(quiet.body.error.details[0]).toMatchObject({ field: 'callBackAt', reason: expect.stringContaining('contact hours') });
    expect(await t.db.query(`SELECT 1 FROM customer_dispositions WHERE customer_id = $1`, [c.id])).toEqual([]);

    await t.http
      .post(`/customers/${c.id}/dispositions`)
      .set('Authorization', `Bearer ${agentKey}`)
      .send({ code: 'call_back_at', callBackAt: '2026-11-24T02:00:00Z' })
      .expect(201);
    const [task] = await t.db.query(
      `SELECT kind, status, not_before AS due_at FROM work_orders WHERE customer_id = $1 AND kind = 'call_back'`,
      [c.id],
    );
    expect(task).toEqual({ kind: 'call_back', status: 'open', due_at: new Date('2026-11-24T02:00:00Z') });
  });

  it('closes the agent task the call was for, and refuses to close one twice, writing nothing', async () => {
    const c = await store.customer(t.db, { daysPastDue: 40 });
    clock.set('2026-11-23T03:00:00Z');
    const [{ id: taskId }] = await t.db.query(
      `INSERT INTO work_orders (customer_id, kind, priority, subject_ref, opened_at, updated_at, due_by, assignee_id, status,
                               first_action_at, summary, severity, queue)
       VALUES ($1, 'collections-dpd-31', 200, 'test', now(), now(), now() + interval '1 day', $2, 'in_progress', now(),
               'Collections call', 'medium', 'agent-desk') RETURNING id`,
      [c.id, agentId],
    );
    const send = () =>
      t.http
        .post(`/customers/${c.id}/dispositions`)
        .set('Authorization', `Bearer ${agentKey}`)
        .send({ code: 'no_answer', agentTaskId: taskId });
    const first = await send();
    expect(first.status).toBe(201);
    const [task] = await t.db.query(`SELECT status, outcome, disposition_id FROM work_orders WHERE id = $1`, [taskId]);
    expect(task).toEqual({ status: 'resolved', outcome: 'no_answer', disposition_id: first.body.id });
    // Closed, the task no longer lets the agent act on the customer.
    const again = await send();
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('NOT_YOUR_CUSTOMER');
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM customer_dispositions WHERE customer_id = $1`, [
      c.id,
    ]);
    expect(count).toBe(1);
  });

  it('queues nothing twice when two instances run the job at once', async () => {
    const c = await store.customer(t.db, { dueDate: '2026-12-20' });
    clock.set('2026-12-16T17:00:00Z');
    const reports = await Promise.all([job.run(), job.run(), job.run()]);
    expect(reports.reduce((n, r) => n + r.reminders, 0)).toBe(1);
    expect(await tasksOf(c)).toHaveLength(1);
  });
});
