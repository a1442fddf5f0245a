import { ManualClock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';
import { Customer } from '../../src/customers/customer.entity';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES, OutboxRepository } from '../../src/dispatch/outbox.repository';
import { Reconciler } from '../../src/dispatch/reconciler';
import { eventually } from '../support/eventually';
import { FakeTwilio, Failure } from '../support/fake-twilio.server';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

const [, BULK] = LANES;
// Monday 23 November 2026, 11:00 in Shanghai.
const MORNING = new Date('2026-11-23T03:00:00Z');

/**
 * The outbox's promises under the provider's and the database's faults, counted by the local
 * Twilio (what it really created), not by Herald's own tables: at most once, and nothing lost.
 */
describe('dispatch under faults, through the twilio SDK to a local Twilio', () => {
  const clock = new ManualClock(MORNING);
  let twilio: FakeTwilio;
  let t: TestApp;
  let dispatcher: Dispatcher;
  let manager: string;

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    t = await startTestApp(
      {
        ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
        SMS_PER_SECOND: '0',
        // Long enough that, on a loaded machine, the other sends are written down while one hangs.
        DISPATCH_SEND_TIMEOUT_MS: '3000',
        DISPATCH_RECONCILE_AFTER_MS: '1000',
      },
      { clock, listen: true },
    );
    dispatcher = t.app.get(Dispatcher);
    manager = await t.keyFor('campaign_manager');
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
  });
  beforeEach(() => {
    clock.set(MORNING);
    twilio.clearFailures();
  });

  /** Messages Twilio really created for a number, whatever Herald was told. */
  const createdFor = (customer: Customer) => twilio.messages.filter((m) => m.to === customer.phone).length;
  const taskRow = (id: string) =>
    t.db.query('SELECT status, reasons, attempts FROM contact_tasks WHERE id = $1', [id]).then((rows) => rows[0]);
  const attemptsOf = (taskId: string) =>
    t.db.query(
      'SELECT status, provider_ref, error_code FROM contact_attempts WHERE task_id = $1 ORDER BY attempted_at, updated_at',
      [taskId],
    );
  const reconcileLater = () => {
    clock.set(new Date(MORNING.getTime() + 5_000));
    return t.app.get(Reconciler).reconcile();
  };
  const tasksFor = async (failures: (Failure | undefined)[]) => {
    const customers = await Promise.all(failures.map(() => store.customer(t.db)));
    customers.forEach((c, i) => failures[i] && twilio.failFor(c.phone!, failures[i]));
    const tasks = await Promise.all(customers.map((c) => store.task(t.db, c)));
    return { customers, tasks };
  };

  it('a send that hangs holds nobody else; past its timeout it is unknown, and reconciliation finds it sent', async () => {
    const { customers, tasks } = await tasksFor([{ after: 'create', delayMs: 4_000 }, undefined, undefined, undefined]);
    const [hung, ...others] = tasks;

    const batch = await dispatcher.start(BULK);
    await eventually(async () => {
      for (const task of others) expect((await taskRow(task.id)).status).toBe('sent');
      expect((await taskRow(hung.id)).status).toBe('sending');
    });
    await expect(batch.finished).resolves.toMatchObject({ claimed: 4, sent: 4 });
    // The SDK's own timeout and the courier's are the same setting: either may speak first.
    const [doubt] = (await taskRow(hung.id)).reasons;
    expect(doubt).toMatchObject({ code: 'PROVIDER_TRANSIENT' });
    expect(['TIMEOUT', 'ECONNABORTED']).toContain(doubt.providerCode);
    expect((await taskRow(hung.id)).status).toBe('unknown');

    await expect(reconcileLater()).resolves.toMatchObject({ found: 1, absent: 0 });
    const [message] = twilio.messages.filter((m) => m.to === customers[0].phone);
    expect(await taskRow(hung.id)).toMatchObject({
      status: 'sent',
      reasons: [{ code: 'PROVIDER_TRANSIENT' }, { code: 'RECONCILED_FOUND', providerRef: message.sid }],
    });
    expect(await attemptsOf(hung.id)).toEqual([{ status: 'queued', provider_ref: message.sid, error_code: doubt.providerCode }]);
    await dispatcher.runBatch(BULK);
    expect(customers.map(createdFor)).toEqual([1, 1, 1, 1]);
  });

  it('a 5xx or a reset is not proof of "not sent": each is looked up, and only what Twilio lacks is sent again, once', async () => {
    const { customers, tasks } = await tasksFor([
      { status: 502, after: 'create' },
      { reset: true, after: 'create' },
      { status: 500 },
      { reset: true },
    ]);

    await dispatcher.runBatch(BULK);
    expect(await Promise.all(tasks.map((task) => taskRow(task.id).then((row) => row.status)))).toEqual(Array(4).fill('unknown'));
    expect(customers.map(createdFor)).toEqual([1, 1, 0, 0]);

    await expect(reconcileLater()).resolves.toMatchObject({ found: 2, absent: 2 });
    expect(await taskRow(tasks[2].id)).toMatchObject({
      status: 'pending',
      reasons: [{}, { code: 'RECONCILED_NOT_AT_PROVIDER' }],
    });
    expect(await attemptsOf(tasks[2].id)).toEqual([{ status: 'failed', provider_ref: null, error_code: 'NOT_AT_PROVIDER' }]);

    twilio.clearFailures();
    await expect(dispatcher.runBatch(BULK)).resolves.toMatchObject({ claimed: 2, sent: 2 });
    expect(customers.map(createdFor)).toEqual([1, 1, 1, 1]);
    for (const task of tasks) expect((await taskRow(task.id)).status).toBe('sent');
  });

  it('two reconcilers at once: one asks Twilio and settles, the other stands aside', async () => {
    const { customers, tasks } = await tasksFor([{ status: 502, after: 'create' }, { status: 500 }]);
    await dispatcher.runBatch(BULK);
    const lookupsBefore = twilio.requests.filter((r) => r.method === 'GET').length;

    clock.set(new Date(MORNING.getTime() + 5_000));
    const reconciler = t.app.get(Reconciler);
    const reports = await Promise.all([reconciler.reconcile(), reconciler.reconcile()]);

    expect(reports.map((r) => r.found + r.absent).sort()).toEqual([0, 2]);
    expect(twilio.requests.filter((r) => r.method === 'GET').length - lookupsBefore).toBe(2);
    expect((await taskRow(tasks[0].id)).status).toBe('sent');
    expect((await taskRow(tasks[1].id)).status).toBe('pending');
    expect(customers.map(createdFor)).toEqual([1, 0]);
    // The lock went with the round, though its connection went back to the pool.
    const held = await t.db.query(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND d.datname = current_database()`,
    );
    expect(held).toEqual([{ n: 0 }]);
    twilio.clearFailures();
    await expect(dispatcher.runBatch(BULK)).resolves.toMatchObject({ claimed: 1, sent: 1 });
    expect(customers.map(createdFor)).toEqual([1, 1]);
  });

  it('an e-mail whose outcome is unknown counts as sent and is never sent again: SMTP cannot be asked', async () => {
    const customer = await store.customer(t.db);
    const task = await store.task(t.db, customer, { channel: 'email', status: 'unknown', attempts: 1 });
    await t.db.query(
      `INSERT INTO contact_attempts (customer_id, task_id, purpose, channel, provider, status, recipient, attempted_at)
       VALUES ($1, $2, 'service', 'email', 'smtp', 'unknown', $3, $4)`,
      [customer.id, task.id, customer.email, MORNING],
    );

    await expect(reconcileLater()).resolves.toMatchObject({ unconfirmed: 1 });

    expect(await taskRow(task.id)).toMatchObject({ status: 'sent', reasons: [{ code: 'UNCONFIRMED' }] });
    expect(await attemptsOf(task.id)).toEqual([{ status: 'sent', provider_ref: null, error_code: null }]);
    await expect(dispatcher.runBatch(BULK)).resolves.toMatchObject({ claimed: 0 });
  });

  it('a statement that fails after the claim hands the batch back: nothing sent, nothing held', async () => {
    const { customers, tasks } = await tasksFor([undefined, undefined]);
    await t.db.query(`ALTER TABLE contact_attempts ADD CONSTRAINT refuse_all CHECK (recipient IS NULL) NOT VALID`);
    try {
      await expect(dispatcher.runBatch(BULK)).resolves.toMatchObject({ claimed: 2, sent: 0 });
      for (const task of tasks) expect(await taskRow(task.id)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(dispatcher.inHand).toEqual([]);
    } finally {
      await t.db.query(`ALTER TABLE contact_attempts DROP CONSTRAINT refuse_all`);
    }
    await expect(dispatcher.runBatch(BULK)).resolves.toMatchObject({ claimed: 2, sent: 2 });
    expect(customers.map(createdFor)).toEqual([1, 1]);
  });

  it('claims a due retry ahead of a backlog of fresh work', async () => {
    const backlog = await tasksFor(Array(5).fill(undefined));
    const customer = await store.customer(t.db);
    const retry = await store.task(t.db, customer, { attempts: 1, dueAt: new Date(MORNING.getTime() - 1_000) });
    try {
      const claimed = await t.app.get(OutboxRepository).claim('a-test-worker', BULK, 2, MORNING, 60);
      expect(claimed.map((task) => task.id)).toContain(retry.id);
    } finally {
      const ids = [retry.id, ...backlog.tasks.map((task) => task.id)];
      await t.db.query(
        `UPDATE contact_tasks SET status = 'cancelled', lease_until = NULL, claimed_by = NULL WHERE id = ANY($1)`,
        [ids],
      );
    }
  });

  it('sends a due retry on its own claim, leaving the fresh backlog where it is', async () => {
    const backlog = await tasksFor(Array(3).fill(undefined));
    const customer = await store.customer(t.db);
    const retry = await store.task(t.db, customer, { attempts: 1, dueAt: new Date(MORNING.getTime() - 1_000) });
    try {
      const batch = await dispatcher.retry(BULK);
      await expect(batch.finished).resolves.toMatchObject({ claimed: 1, sent: 1 });
      expect(await taskRow(retry.id)).toMatchObject({ status: 'sent', attempts: 2 });
      for (const task of backlog.tasks) expect(await taskRow(task.id)).toMatchObject({ status: 'pending', attempts: 0 });
    } finally {
      await t.db.query(`UPDATE contact_tasks SET status = 'cancelled' WHERE id = ANY($1)`, [
        backlog.tasks.map((task) => task.id),
      ]);
    }
  });

  it('claims a retry due before the next poll ahead of its time and sends it no earlier than that time', async () => {
    const customers = await Promise.all([store.customer(t.db), store.customer(t.db)]);
    const pollMs = t.app.get(AppConfig).dispatch.pollMs;
    const soon = await store.task(t.db, customers[0], { attempts: 1, dueAt: new Date(MORNING.getTime() + 300) });
    const later = await store.task(t.db, customers[1], { attempts: 1, dueAt: new Date(MORNING.getTime() + pollMs + 300) });
    try {
      const claimedAt = Date.now();
      const batch = await dispatcher.retry(BULK);
      await expect(batch.finished).resolves.toMatchObject({ claimed: 1, sent: 1 });
      const [request] = twilio.requests.filter((r) => r.method === 'POST' && r.params.To === customers[0].phone);
      expect(request.at.getTime()).toBeGreaterThanOrEqual(claimedAt + 300);
      expect(await taskRow(soon.id)).toMatchObject({ status: 'sent', attempts: 2 });
      expect(await taskRow(later.id)).toMatchObject({ status: 'pending', attempts: 1 });
    } finally {
      await t.db.query(`UPDATE contact_tasks SET status = 'cancelled' WHERE id = $1`, [later.id]);
    }
  });

  describe('status callbacks, by the book', () => {
    const sendOne = async () => {
      const { customers, tasks } = await tasksFor([undefined]);
      await dispatcher.runBatch(BULK);
      const message = twilio.messages.find((m) => m.to === customers[0].phone)!;
      return { customer: customers[0], task: tasks[0], message };
    };
    const outcomes = (customer: Customer) =>
      t.http
        .get(`/customers/${customer.id}/outcomes`)
        .set('Authorization', `Bearer ${manager}`)
        .expect(200)
        .then((res) => res.body);

    it('a final status is final, a late one does not go back, and the outcome reaches the profile', async () => {
      const { customer, task, message } = await sendOne();
      expect((await twilio.postMessageStatus(message.sid, 'delivered')).status).toBe(200);
      expect((await twilio.postMessageStatus(message.sid, 'undelivered', 30003)).status).toBe(200);
      expect((await twilio.postMessageStatus(message.sid, 'sent')).status).toBe(200);
      expect((await twilio.postMessageStatus(message.sid, 'delivered')).status).toBe(200);

      expect(await attemptsOf(task.id)).toEqual([{ status: 'delivered', provider_ref: message.sid, error_code: null }]);
      const profile = await outcomes(customer);
      expect(profile).toMatchObject({ lastContact: { outcome: 'delivered', channel: 'sms', purpose: 'service' } });
    });

    it('applies a report only to the attempt whose message it names', async () => {
      const { task, message } = await sendOne();
      const other = await sendOne();
      // Twilio posts to the URL Herald gave the message; a report naming another SID is not this attempt's.
      const forged = { ...message, sid: other.message.sid };
      const posted = await twilio.postSigned(message.statusCallback!, {
        AccountSid: twilio.accountSid,
        MessageSid: forged.sid,
        MessageStatus: 'failed',
        ErrorCode: '30008',
        To: message.to,
      });
      expect(posted.status).toBe(200);
      expect(await attemptsOf(task.id)).toEqual([{ status: 'queued', provider_ref: message.sid, error_code: null }]);
      expect(await attemptsOf(other.task.id)).toEqual([{ status: 'queued', provider_ref: other.message.sid, error_code: null }]);
    });

    it('settles a task its sender left `sending` (a crash between the call and writing its answer)', async () => {
      const { task, message } = await sendOne();
      await t.db.query(`UPDATE contact_tasks SET status = 'sending', lease_until = now() WHERE id = $1`, [task.id]);
      await t.db.query(`UPDATE contact_attempts SET status = 'pending', provider_ref = NULL WHERE task_id = $1`, [task.id]);

      await twilio.postMessageStatus(message.sid, 'delivered');

      expect(await taskRow(task.id)).toMatchObject({ status: 'sent', reasons: [{ code: 'SETTLED_BY_PROVIDER_REPORT' }] });
      expect(await attemptsOf(task.id)).toEqual([{ status: 'delivered', provider_ref: message.sid, error_code: null }]);
    });

    it('a failed report fails a task it settles', async () => {
      const { task, message } = await sendOne();
      await t.db.query(`UPDATE contact_tasks SET status = 'unknown' WHERE id = $1`, [task.id]);
      await twilio.postMessageStatus(message.sid, 'failed', 30008);
      expect(await taskRow(task.id)).toMatchObject({
        status: 'failed',
        reasons: [{ code: 'PROVIDER_REFUSED', providerStatus: 'failed', providerCode: '30008' }],
      });
    });

    it('an undelivered report for a customer who opted out at the carrier (21610) revokes SMS in the ledger', async () => {
      const { customer, message } = await sendOne();
      await twilio.postMessageStatus(message.sid, 'undelivered', 21610);
      const ledger = await t.db.query(
        `SELECT channel, scope, state, source, evidence FROM consent_events WHERE customer_id = $1`,
        [customer.id],
      );
      expect(ledger).toEqual([
        expect.objectContaining({
          channel: 'sms',
          scope: 'all',
          state: 'revoked',
          source: 'provider',
          evidence: expect.objectContaining({ providerRef: message.sid, providerCode: '21610' }),
        }),
      ]);
    });
  });
});
