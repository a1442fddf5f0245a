import { ManualClock } from '../../src/common/clock';
import { ConsentService } from '../../src/compliance/consent.service';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES, OutboxRepository } from '../../src/dispatch/outbox.repository';
import { Presence } from '../../src/dispatch/presence';
import { UrgentGate } from '../../src/dispatch/urgent-gate';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

const [URGENT, BULK] = LANES;
// Monday 23 November 2026, 11:00 in Shanghai.
const MORNING = new Date('2026-11-23T03:00:00Z');

describe('the dispatcher over the real outbox, sandbox channels', () => {
  const clock = new ManualClock(MORNING);
  let t: TestApp;
  let dispatcher: Dispatcher;

  beforeAll(async () => {
    t = await startTestApp({ SMS_PER_SECOND: '0', EMAIL_PER_SECOND: '0', CALLS_PER_SECOND: '0' }, { clock });
    dispatcher = t.app.get(Dispatcher);
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(MORNING));

  const taskRow = (id: string) =>
    t.db.query('SELECT status, due_at, reasons, attempts FROM contact_tasks WHERE id = $1', [id]).then((rows) => rows[0]);
  const attemptsOf = (taskId: string) => t.db.query('SELECT * FROM contact_attempts WHERE task_id = $1', [taskId]);

  it('sends a due task: the attempt, the rendered message, the task and the profile all say so', async () => {
    const customer = await store.customer(t.db);
    const task = await store.task(t.db, customer);

    const report = await dispatcher.runBatch(BULK);

    expect(report).toMatchObject({ claimed: 1, sent: 1 });
    expect(await taskRow(task.id)).toMatchObject({ status: 'sent', attempts: 1 });
    const [attempt] = await attemptsOf(task.id);
    expect(attempt).toMatchObject({
      status: 'queued',
      provider: 'sandbox',
      channel: 'sms',
      template_key: 'repayment-reminder-before-due',
    });
    expect(attempt.template_version).toMatch(/^[0-9a-f]{8,}$/);
    expect(attempt.provider_ref).toMatch(/^SM[0-9a-f]{32}$/);
    await eventually(async () => {
      const [sandbox] = await t.db.query('SELECT body FROM sandbox_messages WHERE attempt_id = $1', [attempt.id]);
      expect(sandbox.body).toContain('尾号4821');
    });
    const [profile] = await t.db.query(
      'SELECT last_contact_channel, last_contact_purpose, contact_counts FROM customers WHERE id = $1',
      [customer.id],
    );
    expect(profile).toEqual({ last_contact_channel: 'sms', last_contact_purpose: 'service', contact_counts: { sms: 1 } });
    expect(await t.db.query('SELECT last_contact_outcome FROM customers WHERE id = $1', [customer.id])).toEqual([
      { last_contact_outcome: 'queued' },
    ]);
  });

  it('defers a task in quiet hours to the next allowed instant in the customer’s zone, naming the rule', async () => {
    clock.set('2026-11-23T14:30:00Z'); // 22:30 in Shanghai
    const customer = await store.customer(t.db);
    const task = await store.task(t.db, customer);

    await dispatcher.runBatch(BULK);

    const row = await taskRow(task.id);
    expect(row.status).toBe('pending');
    expect(row.due_at.toISOString()).toBe('2026-11-24T00:00:00.000Z'); // 08:00 the next morning in Shanghai
    expect(row.reasons.map((r: { code: string }) => r.code)).toContain('QUIET_HOURS');
    expect(await attemptsOf(task.id)).toEqual([]);
  });

  it('re-checks consent at send time: an opt-out since the task was queued wins', async () => {
    const customer = await store.customer(t.db);
    const task = await store.task(t.db, customer, { purpose: 'marketing', templateKey: 'card-activation' });
    await t.app
      .get(ConsentService)
      .record({ customerId: customer.id, channel: 'sms', scope: 'all', state: 'revoked', source: 'api' });

    await dispatcher.runBatch(BULK);

    const row = await taskRow(task.id);
    expect(row.status).toBe('suppressed');
    expect(row.reasons.map((r: { code: string }) => r.code)).toContain('OPTED_OUT');
    expect(await attemptsOf(task.id)).toEqual([]);
  });

  it('takes urgent work in its own lane, most urgent first', async () => {
    const customer = await store.customer(t.db);
    const bulk = await store.task(t.db, customer);
    const fraud = await store.task(t.db, customer, {
      purpose: 'fraud',
      templateKey: 'fraud-verification',
      subjectRef: 'case-1',
      variables: { txn: { amount: 880000, currency: 'CNY', merchant: 'JD.com', at: '2026-11-23T02:58:00Z', reference: '4821' } },
    });

    const urgent = await dispatcher.runBatch(URGENT);

    expect(urgent).toMatchObject({ claimed: 1, sent: 1 });
    expect((await taskRow(fraud.id)).status).toBe('sent');
    expect((await taskRow(bulk.id)).status).toBe('pending');
  });

  it('holds the bulk lane’s sends while an urgent batch is in hand, then sends them all', async () => {
    const customer = await store.customer(t.db);
    const task = await store.task(t.db, customer);
    const gate = t.app.get(UrgentGate);
    gate.enter(); // as the urgent lane does for its batch
    let done = false;
    const bulk = dispatcher.runBatch(BULK).then((report) => ((done = true), report));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false);
    expect(await attemptsOf(task.id)).toEqual([]);
    gate.leave();
    expect((await bulk).sent).toBeGreaterThanOrEqual(1); // with what earlier tests left due
    expect(await taskRow(task.id)).toMatchObject({ status: 'sent' });
  });

  it('holds the bulk lane from the moment the urgent lane starts its claim, and lets go when it finds nothing', async () => {
    const gate = t.app.get(UrgentGate);
    let cleared = false;
    const urgent = dispatcher.runBatch(URGENT);
    const bulk = gate.clear().then(() => (cleared = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(cleared).toBe(false); // the claim's round trip is still under way

    expect(await urgent).toMatchObject({ claimed: 0 });
    await bulk;
    expect(cleared).toBe(true);
  });

  it('gives a vanished dispatcher’s claims back, and never re-sends what it may have sent', async () => {
    const customer = await store.customer(t.db);
    const claimedOnly = await store.task(t.db, customer);
    const midSend = await store.task(t.db, customer);
    await t.db.query(`UPDATE contact_tasks SET status = 'claimed', claimed_by = 'gone', lease_until = $2 WHERE id = $1`, [
      claimedOnly.id,
      new Date(MORNING.getTime() - 1000),
    ]);
    await t.db.query(`UPDATE contact_tasks SET status = 'sending', claimed_by = 'gone', lease_until = $2 WHERE id = $1`, [
      midSend.id,
      new Date(MORNING.getTime() - 1000),
    ]);
    await t.db.query(
      `INSERT INTO contact_attempts (customer_id, task_id, purpose, channel, provider, status) VALUES ($1, $2, 'service', 'sms', 'sandbox', 'pending')`,
      [customer.id, midSend.id],
    );

    const reaped = await t.app.get(OutboxRepository).reapExpiredLeases(MORNING);

    expect(reaped).toEqual({ requeued: 1, unknown: 1 });
    expect((await taskRow(claimedOnly.id)).status).toBe('pending');
    expect((await taskRow(midSend.id)).status).toBe('unknown');
    expect((await attemptsOf(midSend.id))[0].status).toBe('unknown');
  });

  it('reaps a dead dispatcher’s claims at once, long before its lease runs out, and never a live one’s', async () => {
    const customer = await store.customer(t.db);
    const [ofTheLiving, ofTheDead] = [await store.task(t.db, customer), await store.task(t.db, customer)];
    const leaseInAnHour = new Date(MORNING.getTime() + 3_600_000);
    const claim = (id: string, worker: string) =>
      t.db.query(`UPDATE contact_tasks SET status = 'claimed', claimed_by = $2, lease_until = $3 WHERE id = $1`, [
        id,
        worker,
        leaseInAnHour,
      ]);
    await claim(ofTheLiving.id, 'host:101:alive');
    await claim(ofTheDead.id, 'host:102:dead');
    const living = new Presence((t.db.options as { url?: string }).url, 'host:101:alive');
    await living.hold();
    try {
      expect(await t.app.get(OutboxRepository).reapExpiredLeases(MORNING)).toEqual({ requeued: 1, unknown: 0 });
      expect((await taskRow(ofTheDead.id)).status).toBe('pending');
      expect((await taskRow(ofTheLiving.id)).status).toBe('claimed');
    } finally {
      await living.release();
    }
    // Its session gone (a SIGKILL closes it the same way), the living one's claim is reaped too.
    await eventually(async () =>
      expect(await t.app.get(OutboxRepository).reapExpiredLeases(MORNING)).toEqual({ requeued: 1, unknown: 0 }),
    );
    expect((await taskRow(ofTheLiving.id)).status).toBe('pending');
  });

  it('renews the ending leases of the work in hand, never waiting for a task another statement is moving on', async () => {
    const customer = await store.customer(t.db);
    const [ending, fresh, moving, notMine] = await Promise.all([1, 2, 3, 4].map(() => store.task(t.db, customer)));
    const soon = new Date(MORNING.getTime() + 1_000);
    const later = new Date(MORNING.getTime() + 60_000);
    const hold = (id: string, worker: string, until: Date) =>
      t.db.query(`UPDATE contact_tasks SET status = 'sending', claimed_by = $2, lease_until = $3 WHERE id = $1`, [
        id,
        worker,
        until,
      ]);
    await hold(ending.id, 'me', soon);
    await hold(fresh.id, 'me', later);
    await hold(moving.id, 'me', soon);
    await hold(notMine.id, 'other', soon);
    const leaseOf = async (id: string) =>
      ((await t.db.query('SELECT lease_until FROM contact_tasks WHERE id = $1', [id])) as { lease_until: Date }[])[0].lease_until;
    const renewed = new Date(MORNING.getTime() + 30_000);

    const runner = t.db.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(`SELECT 1 FROM contact_tasks WHERE id = $1 FOR UPDATE`, [moving.id]);
      await t.app
        .get(OutboxRepository)
        .renewLeases('me', [ending.id, fresh.id, moving.id, notMine.id], renewed, new Date(MORNING.getTime() + 20_000));
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }

    expect(await leaseOf(ending.id)).toEqual(renewed);
    expect(await leaseOf(fresh.id)).toEqual(later);
    expect(await leaseOf(moving.id)).toEqual(soon);
    expect(await leaseOf(notMine.id)).toEqual(soon);
  });

  it('queues contacts for flows, urgent ones in the urgent lane', async () => {
    const customer = await store.customer(t.db);
    const [id] = await t.app.get(OutboxRepository).enqueue([
      {
        customerId: customer.id,
        purpose: 'fraud',
        channel: 'sms',
        templateKey: 'fraud-verification',
        subjectRef: 'case-enqueued',
        variables: {
          txn: { amount: 880000, currency: 'CNY', merchant: 'JD.com', at: '2026-11-23T02:58:00Z', reference: '4821' },
        },
        dueAt: MORNING,
      },
    ]);

    expect(await dispatcher.runBatch(URGENT)).toMatchObject({ claimed: 1, sent: 1 });
    expect((await taskRow(id)).status).toBe('sent');
  });

  it('fails a task whose template cannot render for its customer, with the reason', async () => {
    const customer = await store.customer(t.db);
    const task = await store.task(t.db, customer, { templateKey: 'no-such-template' });

    await dispatcher.runBatch(BULK);

    const row = await taskRow(task.id);
    expect(row.status).toBe('failed');
    expect(row.reasons[0].code).toBe('RENDER_FAILED');
  });
});
