import { randomUUID } from 'node:crypto';
import { Role, ROLES } from '../../src/auth/role';
import { UsersService } from '../../src/auth/users.service';
import { SmsChannel } from '../../src/channels/sms.channel';
import { ManualClock } from '../../src/common/clock';
import { agentTask } from '../support/agent-work';
import { signInAs, SignedIn } from '../support/console-session';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { fillPath, RouteInfo, routesOf } from '../support/routes';
import { startTestApp, TestApp } from '../support/test-app';
import { suspiciousTransaction } from '../support/fraud.builders';

const NOW = new Date('2026-11-23T02:00:00Z');
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

/** How to call a route in the matrix, and what an allowed caller gets. */
interface Call {
  /** Path parameters by name; every other `:param` gets the fixture of its route (see `fixture`). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: object;
  /** The status for a caller its roles let through (or anyone, for a public route). */
  allowed: number;
  /** Runs after every other call (it ends the caller's session). */
  last?: boolean;
}

/**
 * Every route of the app, by `METHOD path`. The test fails on a route without an entry (say how
 * to call it and what an allowed caller gets) and on an entry without a route. Who is allowed is
 * not written here: it is read from the routes' own declarations (@Roles, @Public, console pages).
 * Writes are called so that they change nothing (an unknown id, a refused body) past the guard.
 */
const MATRIX: Record<string, Call> = {
  'DELETE /do-not-contact/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'DELETE /event-subscriptions/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'DELETE /segments/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'DELETE /sign-in-locks/addresses/:address': { params: { address: '192.0.2.1' }, allowed: 404 },
  'DELETE /users/:id/keys/:keyId': { params: { keyId: UNKNOWN }, allowed: 404 },
  'GET /agent-tasks': { allowed: 200 },
  'GET /alert-rules': { allowed: 200 },
  'GET /alert-rules/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'PATCH /alert-rules/:id': { params: { id: UNKNOWN }, body: { name: '' }, allowed: 400 },
  'POST /alert-rules': { body: {}, allowed: 400 },
  'POST /alert-rules/dry-run': { body: {}, allowed: 400 },
  // No alert rule exists in this app: a run evaluates nothing.
  'POST /alert-rules/runs': { allowed: 201 },
  'GET /work-orders': { allowed: 200 },
  'GET /work-orders/stats': { allowed: 200 },
  'GET /work-orders/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /work-orders/next': { allowed: 200 },
  'POST /work-orders/:id/claim': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /work-orders/:id/actions': { params: { id: UNKNOWN }, body: { action: 'none' }, allowed: 400 },
  'POST /work-orders/:id/resolve': { params: { id: UNKNOWN }, body: {}, allowed: 400 },
  'POST /customers/:id/complaints': { body: {}, allowed: 400 },
  'GET /work-queues': { allowed: 200 },
  'PUT /work-queues/:name': { params: { name: 'matrix' }, body: {}, allowed: 400 },
  'PUT /staff-notification-settings/:userId': { params: { userId: UNKNOWN }, body: {}, allowed: 400 },
  'GET /staff-notifications': { allowed: 200 },
  'GET /audit': { allowed: 200 },
  'GET /campaigns': { allowed: 200 },
  'GET /campaigns/:id': { allowed: 200 },
  'GET /campaigns/:id/funnel': { allowed: 200 },
  'GET /campaigns/:id/launch-review': { params: { id: UNKNOWN }, allowed: 404 },
  'GET /campaigns/:id/preview': { allowed: 200 },
  'PATCH /campaigns/:id': { params: { id: UNKNOWN }, body: {}, allowed: 404 },
  'POST /jobs/repayment/runs': { body: { date: 'not a date' }, allowed: 400 },
  'GET /contact-log': { allowed: 200 },
  'GET /console': { allowed: 303 },
  'GET /console/agent': { allowed: 200 },
  'GET /console/agent/tasks/:id': { allowed: 200 },
  'GET /console/agent/tasks/:id/call/events': { params: { id: UNKNOWN }, allowed: 404 },
  'GET /console/assets/:name': { params: { name: 'console.css' }, allowed: 200 },
  'GET /console/campaigns': { allowed: 200 },
  'GET /console/campaigns/:id': { allowed: 200 },
  'GET /console/campaigns/:id/confirm/:action': { params: { action: 'launch' }, allowed: 200 },
  'GET /console/campaigns/:id/edit': { allowed: 200 },
  'GET /console/campaigns/:id/funnel': { allowed: 200 },
  'GET /console/campaigns/new': { allowed: 200 },
  'GET /console/customers': { query: { q: '138 1234 5678' }, allowed: 200 },
  'GET /console/customers/:id': { allowed: 200 },
  'GET /console/customers/imports': { allowed: 200 },
  'GET /console/customers/imports/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'GET /console/customers/imports/:id/rejections.csv': { params: { id: UNKNOWN }, allowed: 404 },
  // A form's body is not a CSV file: refused as the API refuses it, past the guard.
  'POST /console/customers/imports': { allowed: 415 },
  'GET /console/ops/audit': { allowed: 200 },
  'GET /console/ops/customers/:id': { allowed: 200 },
  'GET /console/ops/customers/:id/eligibility': { query: { purpose: 'collections', channel: 'call' }, allowed: 200 },
  'GET /console/ops/dashboard': { allowed: 200 },
  'GET /console/ops/log': { allowed: 200 },
  'GET /console/ops/log.csv': { allowed: 200 },
  'GET /console/segments': { allowed: 200 },
  'GET /console/segments/:id': { allowed: 200 },
  'GET /console/segments/new': { allowed: 200 },
  'GET /console/sign-in': { allowed: 200 },
  'GET /console/work-orders': { allowed: 200 },
  'GET /console/work-orders/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/work-orders/next': { allowed: 303 },
  'POST /console/work-orders/:id/claim': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/work-orders/:id/resolve': { params: { id: UNKNOWN }, body: {}, allowed: 400 },
  'GET /customers': { allowed: 200 },
  'GET /customers/:id': { allowed: 200 },
  'GET /customers/:id/consent': { allowed: 200 },
  'GET /customers/:id/eligibility': { query: { purpose: 'collections', channel: 'call' }, allowed: 200 },
  'GET /customers/:id/outcomes': { allowed: 200 },
  'GET /customers/:id/timeline': { allowed: 200 },
  'GET /customers/:id/reachability': { allowed: 200 },
  'GET /customers/imports': { allowed: 200 },
  'GET /customers/imports/:id': { params: { id: UNKNOWN }, allowed: 404 },
  'GET /customers/imports/:id/rejections': { params: { id: UNKNOWN }, allowed: 404 },
  'GET /do-not-contact': { allowed: 200 },
  'GET /event-deliveries': { allowed: 200 },
  'GET /event-subscriptions': { allowed: 200 },
  'GET /fraud-cases': { allowed: 200 },
  'GET /fraud-cases/:id': { allowed: 200 },
  'GET /fraud-cases/stats': { allowed: 200 },
  'GET /health': { allowed: 200 },
  'GET /health/live': { allowed: 200 },
  'GET /metrics': { allowed: 200 },
  'GET /policy': { allowed: 200 },
  'GET /sandbox/messages': { allowed: 200 },
  'GET /sandbox/messages/:id': { allowed: 200 },
  'GET /segments': { allowed: 200 },
  'GET /segments/:id': { allowed: 200 },
  'GET /segments/:id/preview': { allowed: 200 },
  'GET /segments/fields': { allowed: 200 },
  'GET /sign-in-locks': { allowed: 200 },
  'GET /templates': { allowed: 200 },
  'GET /templates/:key': { params: { key: 'fraud-verification' }, allowed: 200 },
  'GET /unsubscribe/:attemptId': { allowed: 200 },
  'GET /users': { allowed: 200 },
  'GET /users/:id': { allowed: 200 },
  'GET /users/:id/keys': { allowed: 200 },
  'PATCH /customers/:id': { body: { riskLevel: 'none' }, allowed: 400 },
  'PATCH /segments/:id': { body: { name: '' }, allowed: 400 },
  'PATCH /users/:id': { body: { role: 'root' }, allowed: 400 },
  'POST /agent-tasks/:id/release': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /agent-tasks/:id/take': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /agent-tasks/next': { allowed: 200 },
  'POST /campaigns': { body: {}, allowed: 400 },
  'POST /campaigns/:id/approve': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /campaigns/:id/cancel': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /campaigns/:id/forecast': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /campaigns/:id/launch': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /campaigns/:id/pause': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /campaigns/:id/reject': { params: { id: UNKNOWN }, body: { reason: 'not now' }, allowed: 404 },
  'POST /campaigns/:id/resume': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /campaigns/:id/test-send': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/agent/next': { allowed: 303 },
  'POST /console/agent/tasks/:id/call': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/agent/tasks/:id/disposition': { params: { id: UNKNOWN }, body: { code: 'none' }, allowed: 400 },
  'POST /console/agent/tasks/:id/release': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/agent/tasks/:id/take': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/campaigns': { body: {}, allowed: 400 },
  'POST /console/campaigns/:id/:action': { params: { id: UNKNOWN, action: 'pause' }, allowed: 404 },
  'POST /console/campaigns/:id/approve': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/campaigns/:id/test-send': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /console/campaigns/:id/edit': { params: { id: UNKNOWN }, body: {}, allowed: 400 },
  'POST /console/campaigns/:id/edit/preview': { params: { id: UNKNOWN }, body: {}, allowed: 400 },
  'POST /console/campaigns/:id/reject': { params: { id: UNKNOWN }, body: { reason: 'not now' }, allowed: 404 },
  'POST /console/campaigns/new/preview': { body: {}, allowed: 400 },
  'POST /console/locale': { body: { locale: 'en' }, allowed: 303 },
  'POST /console/segments': { body: {}, allowed: 400 },
  'POST /console/segments/:id': { params: { id: UNKNOWN }, body: {}, allowed: 400 },
  'POST /console/segments/:id/count': { params: { id: UNKNOWN }, body: {}, allowed: 400 },
  'POST /console/segments/count': { body: {}, allowed: 400 },
  'POST /console/segments/preview': { body: {}, allowed: 400 },
  'POST /console/sign-in': { body: { username: 'nobody', password: 'x', _csrf: 'none' }, allowed: 401 },
  'POST /console/sign-out': { allowed: 303, last: true },
  'POST /customers': { body: {}, allowed: 400 },
  'POST /customers/:id/consent': { body: {}, allowed: 400 },
  'POST /customers/:id/dispositions': { body: { code: 'none' }, allowed: 400 },
  'POST /customers/:id/erasure': { body: {}, allowed: 400 },
  'POST /customers/:id/promise-to-pay': { body: {}, allowed: 400 },
  'POST /customers/imports': { body: {}, allowed: 415 },
  'POST /do-not-contact': { body: {}, allowed: 400 },
  'POST /do-not-contact/import': { body: {}, allowed: 415 },
  'POST /event-subscriptions': { body: {}, allowed: 400 },
  'POST /event-subscriptions/:id/unpark': { params: { id: UNKNOWN }, allowed: 404 },
  'POST /payments': { body: {}, allowed: 400 },
  'POST /payments/returns': { body: {}, allowed: 400 },
  'POST /policy/reachability': { body: {}, allowed: 400 },
  'POST /sandbox/messages/:id/status': { params: { id: UNKNOWN }, body: {}, allowed: 400 },
  'POST /sandbox/replies': { body: {}, allowed: 400 },
  'POST /segments': { body: {}, allowed: 400 },
  'POST /segments/preview': { body: {}, allowed: 400 },
  'POST /templates/:key/preview': { params: { key: 'fraud-verification' }, body: {}, allowed: 400 },
  'POST /transactions': { body: {}, allowed: 400 },
  'POST /unsubscribe/:attemptId': { body: {}, allowed: 400 },
  'POST /users': { body: {}, allowed: 400 },
  'POST /users/:id/keys': { body: {}, allowed: 400 },
  'POST /users/:id/unlock': { allowed: 204 },
  // Twilio posts forms, signed: JSON is refused before anything else, whoever sends it.
  'POST /webhooks/twilio/calls/gather': { body: {}, allowed: 415 },
  'POST /webhooks/twilio/calls/status': { body: {}, allowed: 415 },
  'POST /webhooks/twilio/messages/inbound': { body: {}, allowed: 415 },
  'POST /webhooks/twilio/messages/status': { body: {}, allowed: 415 },
};

/** Who calls: every role's key, and keys that must not work. Console pages: every person's session, and sessions that must not. */
const KEYLESS = ['no key', 'unknown key', 'revoked key', 'disabled user’s key'] as const;
const SESSIONLESS = ['no session', 'unknown session', 'disabled user’s session'] as const;
type Caller = Role | (typeof KEYLESS)[number] | (typeof SESSIONLESS)[number];

describe('every route of the application', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  const keys = {} as Record<Role | (typeof KEYLESS)[number], string | undefined>;
  const sessions = {} as Record<Exclude<Role, 'integration'> | (typeof SESSIONLESS)[number], SignedIn | undefined>;
  const fixtures: Record<string, string> = {};
  let routes: RouteInfo[];

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    routes = routesOf(t.app);
    const users = t.app.get(UsersService);
    for (const role of ROLES) {
      if (role === 'integration') {
        keys.integration = await t.keyFor('integration');
        continue;
      }
      const person = await t.consoleUser(role);
      keys[role] = (await users.issueKey(person.id, 'matrix')).key;
      sessions[role] = await signInAs(t, person);
      fixtures[`user:${role}`] = person.id;
    }
    keys['no key'] = undefined;
    keys['unknown key'] = `hk_${randomUUID()}`;
    const revoked = await t.userFor('ops');
    const [key] = (await t.http.get(`/users/${revoked.id}/keys`).set('Authorization', `Bearer ${keys.admin}`)).body;
    await t.http.delete(`/users/${revoked.id}/keys/${key.id}`).set('Authorization', `Bearer ${keys.admin}`).expect(204);
    keys['revoked key'] = revoked.key;
    const disabled = await t.consoleUser('ops');
    keys['disabled user’s key'] = (await users.issueKey(disabled.id, 'matrix')).key;
    const disabledSession = await signInAs(t, disabled);
    await users.update(disabled.id, { disabled: true });
    sessions['no session'] = undefined;
    sessions['unknown session'] = { ...disabledSession, cookie: disabledSession.cookie.replace(/=.*/, `=${randomUUID()}`) };
    sessions['disabled user’s session'] = disabledSession;

    // A customer the agent holds a fraud task for: what every customer and case route is called on.
    const customer = await store.customer(t.db, { locale: 'en' });
    fixtures.customer = customer.id;
    const txn = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${keys.integration}`)
      .send(suspiciousTransaction('TXN-MATRIX-1', customer.externalRef, NOW.toISOString()))
      .expect(200);
    fixtures.case = txn.body.caseId;
    fixtures.task = await agentTask(t.db, {
      customerId: customer.id,
      takenBy: fixtures['user:agent'],
      kind: 'fraud_verification',
      subjectRef: fixtures.case,
      priority: 300,
    });
    await t.app.get(SmsChannel).send({ attemptId: randomUUID(), to: customer.phone!, body: 'matrix' });
    fixtures.message = await eventually(async () => {
      const [row] = await t.db.query(`SELECT id FROM sandbox_messages WHERE to_address = $1`, [customer.phone]);
      if (!row) throw new Error('not written yet');
      return row.id as string;
    });
    const [{ id: attempt }] = await t.db.query(
      `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status) VALUES ($1, 'marketing', 'email', 'smtp', 'sent') RETURNING id`,
      [customer.id],
    );
    fixtures.attempt = attempt;
    const manager = { Authorization: `Bearer ${keys.campaign_manager}` };
    fixtures.segment = (
      await t.http
        .post('/segments')
        .set(manager)
        .send({ name: 'matrix', rule: { field: 'country', op: 'eq', value: 'CN' } })
    ).body.id;
    fixtures.campaign = (
      await t.http
        .post('/campaigns')
        .set(manager)
        .send({
          name: 'matrix',
          purpose: 'service',
          audience: { segmentId: fixtures.segment },
          plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
          startsAt: '2026-11-23T00:00:00Z',
          endsAt: '2026-11-30T00:00:00Z',
        })
        .expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  /** Path parameters a route names without its entry saying: the fixture of its resource. */
  function fixture(route: RouteInfo, param: string): string {
    const given = MATRIX[route.key]?.params?.[param];
    if (given !== undefined) return given;
    if (param === 'attemptId') return fixtures.attempt;
    if (route.path.startsWith('/console/agent/tasks')) return fixtures.task;
    if (route.path.startsWith('/fraud-cases')) return fixtures.case;
    if (route.path.startsWith('/sandbox')) return fixtures.message;
    if (route.path.includes('segments')) return fixtures.segment;
    if (route.path.includes('campaigns')) return fixtures.campaign;
    if (route.path.startsWith('/users')) return fixtures['user:agent'];
    return fixtures.customer;
  }

  /** What this caller gets from this route, read from the route's declarations. */
  function expected(route: RouteInfo, caller: Caller): number {
    const call = MATRIX[route.key];
    if (route.isPublic) return call.allowed;
    const role = ROLES.includes(caller as Role) ? (caller as Role) : undefined;
    if (!role || (route.console && role === 'integration')) return route.console ? 303 : 401;
    return role === 'admin' || route.roles!.includes(role) ? call.allowed : 403;
  }

  async function send(route: RouteInfo, caller: Caller) {
    const call = MATRIX[route.key];
    const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const request = t.http[verb](fillPath(route, fixture)).query(call.query ?? {});
    let body: object | undefined = call.body;
    if (route.console) {
      const session = sessions[caller as keyof typeof sessions];
      if (session) request.set('Cookie', session.cookie);
      if (route.method !== 'GET') body = { ...body, ...(session ? { _csrf: session.csrf } : {}) };
      if (body) request.type('form');
    } else {
      const key = keys[caller as keyof typeof keys];
      if (key) request.set('Authorization', `Bearer ${key}`);
    }
    return body === undefined ? request : request.send(body);
  }

  it('declares its roles or says it is public', () => {
    expect(routes.length).toBeGreaterThan(90);
    expect(routes.filter((r) => !r.roles && !r.isPublic).map((r) => r.key)).toEqual([]);
  });

  it('has an entry in the matrix, and the matrix no entry without a route', () => {
    const keysOfRoutes = routes.map((r) => r.key);
    expect(keysOfRoutes.filter((key) => !MATRIX[key])).toEqual([]);
    expect(Object.keys(MATRIX).filter((key) => !keysOfRoutes.includes(key))).toEqual([]);
  });

  it('declares object-level access wherever an agent may name a customer or a case', () => {
    const unscoped = routes.filter(
      (r) => !r.console && r.roles?.includes('agent') && /^\/(customers|fraud-cases)\/:id/.test(r.path) && !r.agentScope,
    );
    expect(unscoped.map((r) => r.key)).toEqual([]);
  });

  it('answers every caller of every route as its declarations say', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    const ordered = [...routes.filter((r) => !MATRIX[r.key].last), ...routes.filter((r) => MATRIX[r.key].last)];
    for (const route of ordered) {
      // Integrations never sign in to the console: they call its pages without a session.
      const callers: Caller[] = route.console ? [...ROLES, ...SESSIONLESS] : [...ROLES, ...KEYLESS];
      for (const caller of callers) {
        const want = expected(route, caller);
        const response = await send(route, caller);
        checked++;
        if (response.status !== want) mismatches.push(`${route.key} as ${caller}: ${response.status}, expected ${want}`);
        if (want === 303 && route.console && !route.isPublic && !ROLES.includes(caller as Role)) {
          if (!String(response.headers.location).startsWith('/console/sign-in'))
            mismatches.push(`${route.key} as ${caller}: not sent to sign in`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(700);
  });
});

/**
 * The IDOR cases of issue 14, by name: an agent acts on a customer only through a task it holds
 * and on a fraud case only through that case's task (agent-access.rules.ts); the console shares
 * the rule. (test/e2e/agent-access.e2e.spec.ts has their effects in detail.)
 */
describe('object-level access: the IDOR cases', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let integration: string;
  let agentA: { id: string; key: string };
  let agentB: { id: string; key: string };
  let noTasks: { id: string; key: string };
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    integration = await t.keyFor('integration');
    [agentA, agentB, noTasks] = await Promise.all([t.userFor('agent'), t.userFor('agent'), t.userFor('agent')]);
  });
  afterAll(() => t.close());

  async function caseHeldBy(agentId: string) {
    const customer = await store.customer(t.db, { locale: 'en' });
    const res = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${integration}`)
      .send(suspiciousTransaction(`TXN-IDOR-${++serial}`, customer.externalRef, NOW.toISOString()))
      .expect(200);
    const taskId = await agentTask(t.db, {
      customerId: customer.id,
      takenBy: agentId,
      kind: 'fraud_verification',
      subjectRef: res.body.caseId,
    });
    return { customerId: customer.id, caseId: res.body.caseId as string, taskId };
  }

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  it.each([
    [
      'agent A settling customer B’s fraud case through customer A',
      async () => {
        const a = await caseHeldBy(agentA.id);
        const b = await caseHeldBy(agentB.id);
        return t.http
          .post(`/customers/${a.customerId}/dispositions`)
          .set(as(agentA.key))
          .send({ code: 'not_fraud', identityVerified: true, purpose: 'fraud', caseId: b.caseId });
      },
      'NOT_YOUR_CASE',
    ],
    [
      'agent A settling customer B’s fraud case on B’s URL',
      async () => {
        const b = await caseHeldBy(agentB.id);
        return t.http
          .post(`/customers/${b.customerId}/dispositions`)
          .set(as(agentA.key))
          .send({ code: 'fraud_confirmed', identityVerified: true, purpose: 'fraud', caseId: b.caseId });
      },
      'NOT_YOUR_CUSTOMER',
    ],
    [
      'an agent with no task making a promise to pay',
      async () => {
        const b = await caseHeldBy(agentB.id);
        return t.http
          .post(`/customers/${b.customerId}/promise-to-pay`)
          .set(as(noTasks.key))
          .send({ date: '2026-11-30', amount: 10_000 });
      },
      'NOT_YOUR_CUSTOMER',
    ],
    [
      'an agent with no task changing consent',
      async () => {
        const b = await caseHeldBy(agentB.id);
        return t.http
          .post(`/customers/${b.customerId}/consent`)
          .set(as(noTasks.key))
          .send({ channel: 'sms', scope: 'all', state: 'revoked' });
      },
      'NOT_YOUR_CUSTOMER',
    ],
    [
      'an agent with no task booking a call back',
      async () => {
        const b = await caseHeldBy(agentB.id);
        return t.http
          .post(`/customers/${b.customerId}/dispositions`)
          .set(as(noTasks.key))
          .send({ code: 'call_back_at', callBackAt: '2026-11-24T02:00:00Z' });
      },
      'NOT_YOUR_CUSTOMER',
    ],
    [
      'an agent with no task opting a customer out of a channel',
      async () => {
        const b = await caseHeldBy(agentB.id);
        return t.http
          .post(`/customers/${b.customerId}/dispositions`)
          .set(as(noTasks.key))
          .send({ code: 'opt_out', channel: 'sms' });
      },
      'NOT_YOUR_CUSTOMER',
    ],
    [
      'an agent reading a customer it holds no task for',
      async () => t.http.get(`/customers/${(await caseHeldBy(agentB.id)).customerId}`).set(as(agentA.key)),
      'NOT_YOUR_CUSTOMER',
    ],
    [
      'an agent reading another agent’s fraud case',
      async () => t.http.get(`/fraud-cases/${(await caseHeldBy(agentB.id)).caseId}`).set(as(agentA.key)),
      'NOT_YOUR_CASE',
    ],
    [
      'an agent naming a colleague’s task on its own customer',
      async () => {
        const a = await caseHeldBy(agentA.id);
        const b = await caseHeldBy(agentB.id);
        return t.http
          .post(`/customers/${a.customerId}/dispositions`)
          .set(as(agentA.key))
          .send({ code: 'no_answer', agentTaskId: b.taskId });
      },
      'NOT_YOUR_TASK',
    ],
    [
      'an agent taking a colleague’s task',
      async () => t.http.post(`/agent-tasks/${(await caseHeldBy(agentB.id)).taskId}/take`).set(as(agentA.key)),
      'NOT_YOUR_TASK',
    ],
  ])('%s: 403', async (_name, attempt, code) => {
    const response = await attempt();
    expect([response.status, response.body.error?.code]).toEqual([403, code]);
  });

  it('an agent’s search holds only the customers of its tasks', async () => {
    const mine = await caseHeldBy(agentA.id);
    const theirs = await caseHeldBy(agentB.id);
    const ids = (await t.http.get('/customers?limit=500').set(as(agentA.key)).expect(200)).body.items.map(
      (c: { id: string }) => c.id,
    );
    expect(ids).toContain(mine.customerId);
    expect(ids).not.toContain(theirs.customerId);
  });

  it('an agent opening a colleague’s task in the console: 403 NOT_YOUR_TASK', async () => {
    const person = await t.consoleUser('agent');
    const session = await signInAs(t, person);
    const b = await caseHeldBy(agentB.id);
    const page = await t.http.get(`/console/agent/tasks/${b.taskId}`).set('Cookie', session.cookie).expect(403);
    expect(page.text).toContain('This task is not yours');
  });
});
