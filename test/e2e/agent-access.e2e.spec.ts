import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { agentTask, ALL_IDENTITY_STEPS } from '../support/agent-work';
import { signedIn } from '../support/console-session';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';
import { suspiciousTransaction } from '../support/fraud.builders';

// Monday 23 November 2026, 10:00 in Shanghai: calls are allowed.
const NOW = new Date('2026-11-23T02:00:00Z');

/**
 * Object-level access through the API and the console: an agent acts on a customer only through a
 * task it holds, on a fraud case only through that case's task. The IDOR cases of issue 14, by name.
 */
describe('an agent acts only through the work in hand', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let integration: string;
  let ops: string;
  let admin: string;
  let agentA: { id: string; key: string };
  let agentB: { id: string; key: string };
  let newAgent: { id: string; key: string };
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    [integration, ops, admin, agentA, agentB, newAgent] = await Promise.all([
      t.keyFor('integration'),
      t.keyFor('ops'),
      t.keyFor('admin'),
      t.userFor('agent'),
      t.userFor('agent'),
      t.userFor('agent'),
    ]);
  });
  afterAll(() => t.close());

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  /** A suspicious purchase: a case opened, the card on hold. */
  async function openCase(customer: Customer): Promise<string> {
    const res = await t.http
      .post('/transactions')
      .set(as(integration))
      .send(suspiciousTransaction(`TXN-ACCESS-${++serial}`, customer.externalRef, NOW.toISOString()))
      .expect(200);
    return res.body.caseId;
  }

  /** A customer with an open case whose verification task `holder` holds. */
  async function caseHeldBy(holder: { id: string } | null) {
    const customer = await store.customer(t.db, { locale: 'en' });
    const caseId = await openCase(customer);
    const taskId = await agentTask(t.db, {
      customerId: customer.id,
      takenBy: holder?.id ?? null,
      kind: 'fraud_verification',
      subjectRef: caseId,
      priority: 300,
    });
    return { customer, caseId, taskId };
  }

  const caseStatus = async (caseId: string) =>
    (await t.db.query(`SELECT status FROM fraud_cases WHERE id = $1`, [caseId]))[0].status as string;
  const cardStatus = async (customerId: string) =>
    (await t.db.query(`SELECT card_status FROM customers WHERE id = $1`, [customerId]))[0].card_status as string;
  /** The audit is written once the response has gone: wait for it. */
  const refusals = (actorId: string, code: string, atLeast = 1) =>
    eventually(async () => {
      const rows = await t.db.query(`SELECT action, target, status FROM audit_events WHERE actor_id = $1 AND code = $2`, [
        actorId,
        code,
      ]);
      if (rows.length < atLeast) throw new Error(`${rows.length} audited refusals so far`);
      return rows;
    });

  describe('fraud cases', () => {
    it('agent A settling customer B’s case through customer A (holding A’s task) is refused: NOT_YOUR_CASE, B’s card stays on hold', async () => {
      const a = await caseHeldBy(agentA);
      const b = await caseHeldBy(agentB);
      const res = await t.http
        .post(`/customers/${a.customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'not_fraud', identityVerified: true, purpose: 'fraud', caseId: b.caseId })
        .expect(403);
      expect(res.body.error.code).toBe('NOT_YOUR_CASE');
      expect(await caseStatus(b.caseId)).toBe('open');
      expect(await cardStatus(b.customer.id)).toBe('on_hold');
      expect(await t.db.query(`SELECT 1 FROM customer_dispositions WHERE customer_id = $1`, [a.customer.id])).toEqual([]);
    });

    it('agent A settling customer B’s case on B’s own URL, holding no task for B, is refused: NOT_YOUR_CUSTOMER', async () => {
      await caseHeldBy(agentA);
      const b = await caseHeldBy(agentB);
      const res = await t.http
        .post(`/customers/${b.customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'fraud_confirmed', identityVerified: true, purpose: 'fraud', caseId: b.caseId })
        .expect(403);
      expect(res.body.error.code).toBe('NOT_YOUR_CUSTOMER');
      expect(await caseStatus(b.caseId)).toBe('open');
      expect(await cardStatus(b.customer.id)).toBe('on_hold');
    });

    it('a new agent holding no task settling a case it read the id of is refused, and the refusal is audited', async () => {
      const b = await caseHeldBy(null);
      const res = await t.http
        .post(`/customers/${b.customer.id}/dispositions`)
        .set(as(newAgent.key))
        .send({ code: 'not_fraud', identityVerified: true, purpose: 'fraud', caseId: b.caseId })
        .expect(403);
      expect(res.body.error.code).toBe('NOT_YOUR_CUSTOMER');
      expect(await cardStatus(b.customer.id)).toBe('on_hold');
      expect(await refusals(newAgent.id, 'NOT_YOUR_CUSTOMER')).toContainEqual({
        action: 'customerOutcomes.dispose',
        target: b.customer.id,
        status: 403,
      });
    });

    it('agent A naming agent B’s task (of customer B) on its own customer is refused: NOT_YOUR_TASK', async () => {
      const a = await caseHeldBy(agentA);
      const b = await caseHeldBy(agentB);
      const res = await t.http
        .post(`/customers/${a.customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'no_answer', purpose: 'fraud', agentTaskId: b.taskId })
        .expect(403);
      expect(res.body.error.code).toBe('NOT_YOUR_TASK');
    });

    it('refuses an answer about the card without the identity check, through the API as on the desk, and keeps it with the outcome', async () => {
      const a = await caseHeldBy(agentA);
      const held = await cardStatus(a.customer.id);
      const dispose = (body: object) =>
        t.http
          .post(`/customers/${a.customer.id}/dispositions`)
          .set(as(agentA.key))
          .send({ code: 'fraud_confirmed', purpose: 'fraud', caseId: a.caseId, agentTaskId: a.taskId, ...body });
      for (const unverified of [{}, { identityVerified: false }]) {
        const res = await dispose(unverified).expect(422);
        expect(res.body.error).toMatchObject({
          code: 'DISPOSITION_IDENTITY_UNVERIFIED',
          details: [{ field: 'identityVerified', reason: expect.stringContaining('fraud_confirmed') }],
        });
      }
      expect(await cardStatus(a.customer.id)).toBe(held);
      // A wrong number discusses nothing: no identity needed.
      await t.http
        .post(`/customers/${a.customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'wrong_number', purpose: 'fraud' })
        .expect(201);
      await dispose({ identityVerified: true }).expect(201);
      const rows = await t.db.query(
        `SELECT code, identity_verified AS "identityVerified" FROM customer_dispositions WHERE customer_id = $1 ORDER BY at, code`,
        [a.customer.id],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { code: 'wrong_number', identityVerified: false },
          { code: 'fraud_confirmed', identityVerified: true },
        ]),
      );
      // The schema holds the rule too: no stored account outcome without the check.
      await expect(
        t.db.query(
          `INSERT INTO customer_dispositions (customer_id, code, purpose, agent_id, at) VALUES ($1, 'promise_to_pay', 'collections', $2, now())`,
          [a.customer.id, agentA.id],
        ),
      ).rejects.toThrow(/customer_dispositions_identity_check/);
    });

    it('the agent holding the case’s task settles it through the API (the card is released, the task closed)', async () => {
      const a = await caseHeldBy(agentA);
      const res = await t.http
        .post(`/customers/${a.customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'not_fraud', identityVerified: true, purpose: 'fraud', caseId: a.caseId, agentTaskId: a.taskId })
        .expect(201);
      expect(res.body.fraudCase).toMatchObject({ caseId: a.caseId, status: 'confirmed_genuine', applied: true });
      expect(await cardStatus(a.customer.id)).toBe('active');
      const [task] = await t.db.query(`SELECT status, outcome FROM work_orders WHERE id = $1`, [a.taskId]);
      expect(task).toEqual({ status: 'resolved', outcome: 'not_fraud' });
    });

    it('an admin still disposes any customer, but a case only on its own customer (404 on another’s)', async () => {
      const a = await caseHeldBy(agentA);
      const b = await caseHeldBy(agentB);
      const res = await t.http
        .post(`/customers/${a.customer.id}/dispositions`)
        .set(as(admin))
        .send({ code: 'not_fraud', identityVerified: true, purpose: 'fraud', caseId: b.caseId })
        .expect(404);
      expect(res.body.error.code).toBe('FRAUD_CASE_NOT_FOUND');
      expect(await caseStatus(b.caseId)).toBe('open');
      await t.http
        .post(`/customers/${b.customer.id}/dispositions`)
        .set(as(admin))
        .send({ code: 'not_fraud', identityVerified: true, purpose: 'fraud', caseId: b.caseId })
        .expect(201);
      expect(await caseStatus(b.caseId)).toBe('confirmed_genuine');
    });

    it('agents read only the cases their tasks cover; ops read them all', async () => {
      const a = await caseHeldBy(agentA);
      const b = await caseHeldBy(agentB);
      await t.http.get(`/fraud-cases/${a.caseId}`).set(as(agentA.key)).expect(200);
      const other = await t.http.get(`/fraud-cases/${b.caseId}`).set(as(agentA.key)).expect(403);
      expect(other.body.error.code).toBe('NOT_YOUR_CASE');
      // A case that does not exist reads the same to an agent: nothing learned.
      const none = await t.http.get('/fraud-cases/00000000-0000-4000-8000-000000000404').set(as(agentA.key)).expect(403);
      expect(none.body.error.code).toBe('NOT_YOUR_CASE');
      const listed = await t.http.get('/fraud-cases?limit=500').set(as(agentA.key)).expect(200);
      const ids = listed.body.items.map((c: { id: string }) => c.id);
      expect(ids).toContain(a.caseId);
      expect(ids).not.toContain(b.caseId);
      expect(listed.body.total).toBe(ids.length);
      await t.http.get(`/fraud-cases/${b.caseId}`).set(as(ops)).expect(200);
    });
  });

  describe('the customer’s profile, promises, consent and call backs', () => {
    let stranger: Customer;
    beforeAll(async () => {
      stranger = await store.customer(t.db, { locale: 'en' });
    });

    it('an agent with no task making a promise to pay is refused: NOT_YOUR_CUSTOMER, collections not paused', async () => {
      const res = await t.http
        .post(`/customers/${stranger.id}/promise-to-pay`)
        .set(as(newAgent.key))
        .send({ date: '2026-11-30', amount: 10_000 })
        .expect(403);
      expect(res.body.error.code).toBe('NOT_YOUR_CUSTOMER');
      const [row] = await t.db.query(`SELECT promise_to_pay_status FROM customers WHERE id = $1`, [stranger.id]);
      expect(row.promise_to_pay_status).toBeNull();
    });

    it('an agent with no task changing consent is refused; ops and integrations still may', async () => {
      const body = { channel: 'sms', scope: 'marketing', state: 'revoked' };
      const res = await t.http.post(`/customers/${stranger.id}/consent`).set(as(newAgent.key)).send(body).expect(403);
      expect(res.body.error.code).toBe('NOT_YOUR_CUSTOMER');
      expect(await t.db.query(`SELECT 1 FROM consent_events WHERE customer_id = $1`, [stranger.id])).toEqual([]);
      await t.http.post(`/customers/${stranger.id}/consent`).set(as(ops)).send(body).expect(201);
      await t.http.post(`/customers/${stranger.id}/consent`).set(as(integration)).send(body).expect(201);
    });

    it('an agent with no task opting a customer out or booking a call back through a disposition is refused', async () => {
      for (const body of [
        { code: 'opt_out', channel: 'call' },
        { code: 'call_back_at', callBackAt: '2026-11-24T02:00:00Z' },
        { code: 'too_many_calls' },
      ]) {
        const res = await t.http.post(`/customers/${stranger.id}/dispositions`).set(as(newAgent.key)).send(body).expect(403);
        expect(res.body.error.code).toBe('NOT_YOUR_CUSTOMER');
      }
      expect(await t.db.query(`SELECT 1 FROM customer_dispositions WHERE customer_id = $1`, [stranger.id])).toEqual([]);
      expect(await t.db.query(`SELECT 1 FROM work_orders WHERE customer_id = $1`, [stranger.id])).toEqual([]);
    });

    it('an agent with no task reads nothing of the customer: profile, outcomes, consent, eligibility', async () => {
      for (const path of ['', '/outcomes', '/consent', '/eligibility?purpose=collections&channel=call']) {
        const res = await t.http.get(`/customers/${stranger.id}${path}`).set(as(newAgent.key));
        expect([path, res.status, res.body.error?.code]).toEqual([path, 403, 'NOT_YOUR_CUSTOMER']);
      }
      // An unknown customer reads the same as another agent's: existence is not disclosed.
      const unknown = await t.http.get('/customers/00000000-0000-4000-8000-000000000404').set(as(newAgent.key)).expect(403);
      expect(unknown.body.error.code).toBe('NOT_YOUR_CUSTOMER');
    });

    it('an agent’s customer search holds only the customers of its tasks', async () => {
      const mine = await store.customer(t.db, { locale: 'en' });
      await agentTask(t.db, { customerId: mine.id, takenBy: agentB.id });
      const res = await t.http.get('/customers?limit=500').set(as(agentB.key)).expect(200);
      const ids = res.body.items.map((c: { id: string }) => c.id);
      expect(ids).toContain(mine.id);
      expect(ids).not.toContain(stranger.id);
      expect(res.body.total).toBe(ids.length);
      // Looking a stranger up by phone finds nothing.
      const byPhone = await t.http.get('/customers').query({ phone: stranger.phone }).set(as(agentB.key)).expect(200);
      expect(byPhone.body.items).toEqual([]);
    });

    it('a call back the agent booked is its own task: it may act on the customer until a colleague takes it', async () => {
      const customer = await store.customer(t.db, { locale: 'en' });
      const taskId = await agentTask(t.db, { customerId: customer.id, takenBy: agentA.id });
      await t.http
        .post(`/customers/${customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'call_back_at', callBackAt: '2026-11-24T02:00:00Z', agentTaskId: taskId })
        .expect(201);
      // The task is closed; the call back (not yet taken) is the agent's.
      await t.http.get(`/customers/${customer.id}/outcomes`).set(as(agentA.key)).expect(200);
      await t.http.get(`/customers/${customer.id}/outcomes`).set(as(agentB.key)).expect(403);
      const [callBack] = await t.db.query(`SELECT id FROM work_orders WHERE customer_id = $1 AND kind = 'call_back'`, [
        customer.id,
      ]);
      clock.set(new Date('2026-11-24T02:00:00Z'));
      try {
        await t.http.post(`/agent-tasks/${callBack.id}/take`).set(as(agentB.key)).expect(200);
      } finally {
        clock.set(NOW);
      }
      await t.http.get(`/customers/${customer.id}/outcomes`).set(as(agentB.key)).expect(200);
      const res = await t.http.get(`/customers/${customer.id}/outcomes`).set(as(agentA.key)).expect(403);
      expect(res.body.error.code).toBe('NOT_YOUR_CUSTOMER');
    });
  });

  describe('the agent task queue through the API', () => {
    it('takes the next task, then acts through it; another agent cannot take it', async () => {
      const agent = await t.userFor('agent');
      const other = await t.userFor('agent');
      await t.db.query(
        `UPDATE work_orders SET status = 'cancelled', closed_at = now() WHERE status = 'open' AND assignee_id IS NULL`,
      );
      const { customer, caseId } = await caseHeldBy(null);
      const next = await t.http.post('/agent-tasks/next').set(as(agent.key)).expect(200);
      expect(next.body.task).toMatchObject({ customerId: customer.id, subjectRef: caseId, kind: 'fraud_verification' });
      const refused = await t.http.post(`/agent-tasks/${next.body.task.id}/take`).set(as(other.key)).expect(403);
      expect(refused.body.error.code).toBe('NOT_YOUR_TASK');
      expect((await t.http.post('/agent-tasks/next').set(as(other.key)).expect(200)).body.task).toBeNull();
      await t.http
        .post(`/customers/${customer.id}/dispositions`)
        .set(as(agent.key))
        .send({ code: 'fraud_confirmed', identityVerified: true, purpose: 'fraud', caseId, agentTaskId: next.body.task.id })
        .expect(201);
      expect(await caseStatus(caseId)).toBe('confirmed_fraud');
      // The same task goes on as the next-steps call, still the agent's; the colleague still cannot take it.
      const kept = await t.http.post(`/agent-tasks/${next.body.task.id}/take`).set(as(agent.key)).expect(200);
      expect(kept.body).toMatchObject({ id: next.body.task.id, kind: 'fraud_confirmed', status: 'open' });
      await t.http.post(`/agent-tasks/${next.body.task.id}/take`).set(as(other.key)).expect(403);
      await t.http
        .post(`/customers/${customer.id}/dispositions`)
        .set(as(agent.key))
        .send({ code: 'right_party_contact', identityVerified: true, purpose: 'fraud', agentTaskId: next.body.task.id })
        .expect(201);
      const closed = await t.http.post(`/agent-tasks/${next.body.task.id}/take`).set(as(agent.key)).expect(409);
      expect(closed.body.error.code).toBe('AGENT_TASK_NOT_OPEN');
    });

    it('hands a task back to the queue through the API, only its holder, and another agent takes it', async () => {
      const a = await caseHeldBy(agentA);
      const refused = await t.http.post(`/agent-tasks/${a.taskId}/release`).set(as(agentB.key)).expect(403);
      expect(refused.body.error.code).toBe('NOT_YOUR_TASK');
      const released = await t.http.post(`/agent-tasks/${a.taskId}/release`).set(as(agentA.key)).expect(200);
      expect(released.body).toMatchObject({ id: a.taskId, status: 'open' });
      const [task] = await t.db.query(`SELECT assignee_id AS taken_by FROM work_orders WHERE id = $1`, [a.taskId]);
      expect(task.taken_by).toBeNull();
      // Back in the queue: agent A no longer acts on the customer, agent B may take it.
      await t.http
        .post(`/customers/${a.customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'no_answer', purpose: 'fraud', agentTaskId: a.taskId })
        .expect(403);
      await t.http.post(`/agent-tasks/${a.taskId}/take`).set(as(agentB.key)).expect(200);
      await t.http.post(`/agent-tasks/${a.taskId}/release`).set(as(agentA.key)).expect(403);
    });

    it('lists to an agent the tasks free to take and its own, never a colleague’s', async () => {
      const mine = await caseHeldBy(agentA);
      const theirs = await caseHeldBy(agentB);
      const free = await caseHeldBy(null);
      const res = await t.http.get('/agent-tasks?limit=500').set(as(agentA.key)).expect(200);
      const ids = res.body.items.map((task: { id: string }) => task.id);
      expect(ids).toEqual(expect.arrayContaining([mine.taskId, free.taskId]));
      expect(ids).not.toContain(theirs.taskId);
      const all = await t.http.get('/agent-tasks?limit=500').set(as(ops)).expect(200);
      expect(all.body.items.map((task: { id: string }) => task.id)).toContain(theirs.taskId);
    });
  });

  describe('the console agent desk shares the rule', () => {
    it('an agent opening, calling or disposing of a colleague’s task gets 403 NOT_YOUR_TASK, audited', async () => {
      const session = await signedIn(t, 'agent');
      const [{ id: userId }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [session.username]);
      const b = await caseHeldBy(agentB);
      const page = await t.http.get(`/console/agent/tasks/${b.taskId}`).set('Cookie', session.cookie).expect(403);
      expect(page.text).toContain('This task is not yours');
      await t.http
        .post(`/console/agent/tasks/${b.taskId}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, code: 'not_fraud', check: ALL_IDENTITY_STEPS })
        .expect(403);
      expect(await caseStatus(b.caseId)).toBe('open');
      expect((await refusals(userId, 'NOT_YOUR_TASK', 2)).length).toBeGreaterThanOrEqual(2);
    });

    it('after a confirmed fraud the follow-up task reads the next-steps script and offers no second answer, on either door', async () => {
      const session = await signedIn(t, 'agent');
      const [{ id: userId }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [session.username]);
      const { customer, caseId, taskId } = await caseHeldBy({ id: userId });
      const confirmed = await t.http
        .post(`/console/agent/tasks/${taskId}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, code: 'fraud_confirmed', check: ALL_IDENTITY_STEPS })
        .expect(303);
      // Back to the same task: the customer is still on the line for the next steps.
      expect(confirmed.headers.location).toBe(`/console/agent/tasks/${taskId}?confirmed=1`);
      // One task per customer and case: the verification call itself became the follow-up, still the agent's.
      const followUps = await t.db.query(
        `SELECT id, kind, assignee_id AS "takenBy" FROM work_orders WHERE subject_ref = $1 AND closed_at IS NULL`,
        [caseId],
      );
      expect(followUps).toEqual([{ id: taskId, kind: 'fraud_confirmed', takenBy: userId }]);
      const [followUp] = followUps;
      await t.http
        .post(`/console/agent/tasks/${followUp.id}/take`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf })
        .expect(303);
      const page = await t.http.get(`/console/agent/tasks/${followUp.id}`).set('Cookie', session.cookie).expect(200);
      expect(page.text).toContain('is blocked for good');
      expect(page.text).not.toContain('Until you confirm, the card is on a protective hold');
      expect(page.text).not.toContain('value="not_fraud"');
      expect(page.text).toContain('value="right_party_contact"');

      const count = async () =>
        (await t.db.query(`SELECT count(*)::int AS n FROM customer_dispositions WHERE customer_id = $1`, [customer.id]))[0].n;
      const before = await count();
      const api = await t.http
        .post(`/customers/${customer.id}/dispositions`)
        .set(as(admin))
        .send({ code: 'not_fraud', identityVerified: true, purpose: 'fraud', caseId })
        .expect(409);
      expect(api.body.error).toMatchObject({ code: 'DISPOSITION_CASE_SETTLED', details: [{ field: 'code' }] });
      const desk = await t.http
        .post(`/console/agent/tasks/${followUp.id}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, code: 'not_fraud', check: ALL_IDENTITY_STEPS })
        .expect(409);
      expect(desk.text).toContain('already answered this fraud case');
      expect(await count()).toBe(before);
      expect(await caseStatus(caseId)).toBe('confirmed_fraud');
      expect(await cardStatus(customer.id)).toBe('blocked');
      await t.http
        .post(`/console/agent/tasks/${followUp.id}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, code: 'right_party_contact', check: ALL_IDENTITY_STEPS, note: 'new card explained' })
        .expect(303);
    });

    it('an agent hands a task back from the desk; a colleague’s cannot be handed back', async () => {
      const session = await signedIn(t, 'agent');
      const [{ id: userId }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [session.username]);
      const mine = await caseHeldBy({ id: userId });
      const page = await t.http.get(`/console/agent/tasks/${mine.taskId}`).set('Cookie', session.cookie).expect(200);
      expect(page.text).toContain('Hand back to the queue');
      const back = await t.http
        .post(`/console/agent/tasks/${mine.taskId}/release`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf })
        .expect(303);
      expect(back.headers.location).toBe('/console/agent?released=1');
      expect((await t.http.get('/console/agent?released=1').set('Cookie', session.cookie)).text).toContain('back in the queue');
      const [task] = await t.db.query(`SELECT assignee_id AS taken_by, status FROM work_orders WHERE id = $1`, [mine.taskId]);
      expect(task).toEqual({ taken_by: null, status: 'open' });
      const theirs = await caseHeldBy(agentB);
      await t.http
        .post(`/console/agent/tasks/${theirs.taskId}/release`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf })
        .expect(403);
    });

    it('an agent settles a fraud call back’s case from the console (the customer’s oldest unanswered one)', async () => {
      const session = await signedIn(t, 'agent');
      const [{ id: userId }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [session.username]);
      const { customer, caseId, taskId } = await caseHeldBy({ id: userId });
      await t.http
        .post(`/console/agent/tasks/${taskId}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, code: 'call_back_at', callBackAt: '2026-11-23T16:00' })
        .expect(303);
      const [callBack] = await t.db.query(`SELECT id FROM work_orders WHERE customer_id = $1 AND kind = 'call_back'`, [
        customer.id,
      ]);
      await t.http
        .post(`/console/agent/tasks/${callBack.id}/take`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf });
      await t.http
        .post(`/console/agent/tasks/${callBack.id}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, code: 'not_fraud', check: ALL_IDENTITY_STEPS })
        .expect(303);
      expect(await caseStatus(caseId)).toBe('confirmed_genuine');
    });
  });

  describe('a promised call nobody answered', () => {
    it('goes back to the queue for the next try the policy allows (after quiet hours), and closes after the last try', async () => {
      // 22:45 in Shanghai: fraud calls end at 23:00, so the try half an hour later waits for 07:00.
      clock.set(new Date('2026-11-23T14:45:00Z'));
      try {
        await t.db.query(
          `UPDATE work_orders SET status = 'cancelled', closed_at = now() WHERE status = 'open' AND assignee_id IS NULL`,
        );
        const a = await caseHeldBy(agentA);
        const noAnswer = () =>
          t.http
            .post(`/customers/${a.customer.id}/dispositions`)
            .set(as(agentA.key))
            .send({ code: 'no_answer', purpose: 'fraud', agentTaskId: a.taskId })
            .expect(201);
        const task = async () =>
          (
            await t.db.query(
              `SELECT status, assignee_id AS "assigneeId", attempts, not_before AS "notBefore", outcome FROM work_orders WHERE id = $1`,
              [a.taskId],
            )
          )[0];
        await noAnswer();
        expect(await task()).toEqual({
          status: 'open',
          assigneeId: null,
          attempts: 1,
          notBefore: new Date('2026-11-23T23:00:00Z'),
          outcome: null,
        });
        // Not offered before the next try; then to anyone.
        expect((await t.http.post('/agent-tasks/next').set(as(agentB.key)).expect(200)).body.task).toBeNull();
        clock.set(new Date('2026-11-23T23:00:00Z'));
        const next = await t.http.post('/agent-tasks/next').set(as(agentB.key)).expect(200);
        expect(next.body.task).toMatchObject({ id: a.taskId });
        await t.http.post(`/agent-tasks/${a.taskId}/release`).set(as(agentB.key)).expect(200);
        await t.http.post(`/agent-tasks/${a.taskId}/take`).set(as(agentA.key)).expect(200);
        await noAnswer();
        expect(await task()).toMatchObject({ status: 'open', attempts: 2, notBefore: new Date('2026-11-23T23:30:00Z') });
        clock.set(new Date('2026-11-23T23:30:00Z'));
        await t.http.post(`/agent-tasks/${a.taskId}/take`).set(as(agentA.key)).expect(200);
        await noAnswer();
        expect(await task()).toMatchObject({ status: 'resolved', outcome: 'no_answer', attempts: 2 });
        const history = await t.db.query(`SELECT action FROM work_order_events WHERE work_order_id = $1 ORDER BY at, id`, [
          a.taskId,
        ]);
        expect(history.map((h: { action: string }) => h.action)).toEqual([
          'released',
          'claimed',
          'released',
          'claimed',
          'released',
          'claimed',
          'resolved',
        ]);
      } finally {
        clock.set(NOW);
      }
    });

    it('on the desk, "no answer" on a fraud call says when the next try is, and the task leaves the agent', async () => {
      const session = await signedIn(t, 'agent');
      const [{ id: userId }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [session.username]);
      const { taskId } = await caseHeldBy({ id: userId });
      const res = await t.http
        .post(`/console/agent/tasks/${taskId}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, code: 'no_answer' })
        .expect(303);
      // 10:00 in Shanghai: the next try half an hour later is allowed.
      expect(res.headers.location).toBe(`/console/agent?retry=${encodeURIComponent('2026-11-23T02:30:00.000Z')}`);
      const queue = await t.http.get(res.headers.location).set('Cookie', session.cookie).expect(200);
      expect(queue.text).toContain('the next try is booked for 2026-11-23 10:30 Asia/Shanghai');
      const [task] = await t.db.query(`SELECT status, assignee_id AS "assigneeId" FROM work_orders WHERE id = $1`, [taskId]);
      expect(task).toEqual({ status: 'open', assigneeId: null });
    });

    it('the desk takes only the outcomes it offers for the call: no promise to pay on a fraud call', async () => {
      const session = await signedIn(t, 'agent');
      const [{ id: userId }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [session.username]);
      const { customer, taskId } = await caseHeldBy({ id: userId });
      const refused = await t.http
        .post(`/console/agent/tasks/${taskId}/disposition`)
        .set('Cookie', session.cookie)
        .type('form')
        .send({
          _csrf: session.csrf,
          code: 'promise_to_pay',
          promiseDate: '2026-11-30',
          promiseAmount: '100',
          check: ALL_IDENTITY_STEPS,
        })
        .expect(400);
      expect(refused.text).toContain('is not an outcome of this fraud call');
      expect(await t.db.query(`SELECT 1 FROM customer_dispositions WHERE customer_id = $1`, [customer.id])).toEqual([]);
    });

    it('a collection call nobody promised closes on no answer, as before', async () => {
      const customer = await store.customer(t.db, { locale: 'en' });
      const taskId = await agentTask(t.db, { customerId: customer.id, takenBy: agentA.id });
      await t.http
        .post(`/customers/${customer.id}/dispositions`)
        .set(as(agentA.key))
        .send({ code: 'no_answer', purpose: 'collections', agentTaskId: taskId })
        .expect(201);
      const [task] = await t.db.query(`SELECT status, outcome FROM work_orders WHERE id = $1`, [taskId]);
      expect(task).toEqual({ status: 'resolved', outcome: 'no_answer' });
    });

    it('a desk call is not worked through the work-order routes: its end is the call’s disposition', async () => {
      const a = await caseHeldBy(agentA);
      const refused = await t.http
        .post(`/work-orders/${a.taskId}/resolve`)
        .set(as(ops))
        .send({ outcome: 'no_action_needed', note: 'closing from the wrong door' })
        .expect(409);
      expect(refused.body.error.code).toBe('WORK_ORDER_ON_AGENT_DESK');
      // A supervisor sees it among the work orders, with its SLA.
      const listed = await t.http.get(`/work-orders?customerId=${a.customer.id}`).set(as(ops)).expect(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({ id: a.taskId, kind: 'fraud_verification', queue: 'agent-desk', status: 'in_progress' }),
      ]);
    });
  });
});
