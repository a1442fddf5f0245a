import { randomUUID } from 'node:crypto';
import { ROLES, Role } from '../../src/auth/role';
import { clearFields, PERSONAL_FIELDS, Subject } from '../../src/auth/personal-data.rules';
import { UsersService } from '../../src/auth/users.service';
import { SmsChannel } from '../../src/channels/sms.channel';
import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { agentTask } from '../support/agent-work';
import { signInAs, SignedIn } from '../support/console-session';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { fillPath, RouteInfo, routesOf } from '../support/routes';
import { startTestApp, TestApp } from '../support/test-app';
import { suspiciousTransaction } from '../support/fraud.builders';

const NOW = new Date('2026-11-23T02:00:00Z');

/** The person whose data the walk looks for, in every way a response could spell it. */
const PERSON = {
  fullName: 'Zebediah Quux',
  phone: '+8613912345678',
  email: 'zebediah.quux@example.org',
};
const SPELLINGS: Record<keyof typeof PERSON, string[]> = {
  fullName: ['Zebediah Quux', 'Zebediah'],
  phone: ['+8613912345678', '13912345678', '139 1234 5678'],
  email: ['zebediah.quux@example.org', 'zebediah.quux'],
};
/** Which of the person's data each personal field carries. */
const CARRIES: { [S in Subject]: Partial<Record<keyof (typeof PERSONAL_FIELDS)[S], (keyof typeof PERSON)[]>> } = {
  customer: { fullName: ['fullName'], phone: ['phone'], email: ['email'] },
  sandboxMessage: {
    toAddress: ['phone', 'email'],
    fromAddress: ['phone', 'email'],
    body: ['fullName'],
    html: ['fullName'],
    subject: ['fullName'],
  },
  doNotContact: { value: ['phone', 'email'] },
};

/**
 * Every GET route of the real app, as every role (API keys; console sessions for the console's
 * pages), with a customer's name, phone and e-mail present in every kind of record: no response
 * shows any of them in clear unless the route's `@Discloses` and personal-data.rules.ts let that role.
 */
describe('personal data by role, on every route', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let customer: Customer;
  const keys = {} as Record<Role, string>;
  const sessions = {} as Partial<Record<Role, SignedIn>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    const users = t.app.get(UsersService);
    for (const role of ROLES) {
      if (role === 'integration') {
        keys[role] = await t.keyFor(role);
        continue;
      }
      const person = await t.consoleUser(role);
      keys[role] = (await users.issueKey(person.id, 'walk')).key;
      sessions[role] = await signInAs(t, person);
      ids[`user:${role}`] = person.id;
    }
    const ops = (path: string) => t.http.post(path).set('Authorization', `Bearer ${keys.ops}`);

    customer = await store.customer(t.db, { ...PERSON, locale: 'en', riskLevel: 'high', creditScore: 612 });
    ids.customer = customer.id;
    // A fraud case the agent holds the task of.
    const txn = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${keys.integration}`)
      .send(suspiciousTransaction('TXN-WALK-1', customer.externalRef, NOW.toISOString()))
      .expect(200);
    ids.case = txn.body.caseId;
    ids.task = await agentTask(t.db, {
      customerId: customer.id,
      takenBy: ids['user:agent'],
      kind: 'fraud_verification',
      subjectRef: ids.case,
      priority: 300,
    });
    // What the sandbox recorded of an SMS to them, a contact in the log, their consent, the do-not-contact list.
    await t.app
      .get(SmsChannel)
      .send({ attemptId: randomUUID(), to: PERSON.phone, body: `Dear ${PERSON.fullName}, your statement is ready` });
    ids.message = await eventually(async () => {
      const [message] = await t.db.query(`SELECT id FROM sandbox_messages WHERE to_address = $1`, [PERSON.phone]);
      if (!message) throw new Error('the sandbox has not written the message yet');
      return message.id as string;
    });
    await store.task(t.db, customer, { status: 'sent' });
    await ops(`/customers/${customer.id}/consent`).send({ channel: 'sms', scope: 'marketing', state: 'granted' }).expect(201);
    await ops('/do-not-contact').send({ value: PERSON.email }).expect(201);
    // A segment whose sample holds them.
    const segment = await t.http
      .post('/segments')
      .set('Authorization', `Bearer ${keys.campaign_manager}`)
      .send({ name: 'walk', rule: { field: 'riskLevel', op: 'eq', value: 'high' } })
      .expect(201);
    ids.segment = segment.body.id;
  });
  afterAll(() => t.close());

  const paramValue = (route: RouteInfo, param: string): string => {
    if (param === 'key') return 'fraud-verification';
    if (param === 'name') return 'console.css';
    if (route.path.startsWith('/customers/imports')) return randomUUID();
    if (route.path.startsWith('/customers/') || route.path.startsWith('/console/ops/customers')) return ids.customer;
    if (route.path.startsWith('/fraud-cases')) return ids.case;
    if (route.path.startsWith('/sandbox')) return ids.message;
    if (route.path.startsWith('/console/agent/tasks')) return ids.task;
    if (route.path.includes('segments')) return ids.segment;
    if (route.path.startsWith('/users')) return ids['user:agent'];
    return randomUUID();
  };

  /** The person's data this role may see in clear on this route: its declaration, read through the rules. */
  function allowedClear(route: RouteInfo, role: Role): Set<string> {
    const allowed = new Set<string>();
    const declared = route.disclosure;
    if (!declared) return allowed;
    const carries = CARRIES[declared.subject] as Record<string, (keyof typeof PERSON)[]>;
    for (const field of clearFields(declared.subject, declared.view, role)) {
      for (const datum of carries[field] ?? []) for (const spelling of SPELLINGS[datum]) allowed.add(spelling);
    }
    return allowed;
  }

  it('shows nobody a name, phone or e-mail their role may not see on that route', async () => {
    const routes = routesOf(t.app).filter((r) => r.method === 'GET');
    expect(routes.length).toBeGreaterThan(30);
    const shownInClear: string[] = [];
    const leaks: string[] = [];
    let answered = 0;
    for (const route of routes) {
      for (const role of ROLES) {
        const request = t.http.get(fillPath(route, paramValue));
        if (route.console) {
          if (!sessions[role]) continue;
          request.set('Cookie', sessions[role]!.cookie);
        } else {
          request.set('Authorization', `Bearer ${keys[role]}`);
        }
        const res = await request.buffer(true).parse((stream, done) => {
          let body = '';
          stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
          stream.on('end', () => done(null, body));
        });
        if (res.status === 200) answered++;
        const body = res.body as string;
        const allowed = allowedClear(route, role);
        for (const spellings of Object.values(SPELLINGS)) {
          for (const spelling of spellings) {
            if (!body.includes(spelling)) continue;
            if (allowed.has(spelling)) shownInClear.push(`${route.key} as ${role}: ${spelling}`);
            else leaks.push(`${route.key} as ${role} (${res.status}): "${spelling}" in clear`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(answered).toBeGreaterThan(60);
    // The walk saw the data where the rules let it through, so it would have seen it anywhere else.
    expect(shownInClear).toEqual(
      expect.arrayContaining([
        'GET /customers/:id as ops: Zebediah Quux',
        'GET /customers/:id as ops: +8613912345678',
        'GET /customers/:id as agent: Zebediah Quux',
        'GET /console/agent/tasks/:id as agent: Zebediah Quux',
        'GET /sandbox/messages/:id as campaign_manager: +8613912345678',
        'GET /sandbox/messages/:id as ops: Zebediah Quux',
      ]),
    );
  });

  it('masks what lists show and what a detail withholds, by role', async () => {
    const get = (path: string, role: Role) => t.http.get(path).set('Authorization', `Bearer ${keys[role]}`).expect(200);
    const listed = await get(`/customers?externalRef=${customer.externalRef}`, 'ops');
    expect(listed.body.items[0]).toMatchObject({
      fullName: 'Z************',
      phone: '+86139****5678',
      email: 'z************@example.org',
      creditScore: null,
    });
    const byAgent = await get(`/customers/${customer.id}`, 'agent');
    expect(byAgent.body).toMatchObject({ fullName: PERSON.fullName, phone: '+86139****5678', creditScore: null });
    const byManager = await get(`/customers/${customer.id}`, 'campaign_manager');
    expect(byManager.body).toMatchObject({ fullName: 'Z************', creditScore: 612 });
    const dnc = await get('/do-not-contact', 'ops');
    expect(dnc.body.items.map((e: { value: string }) => e.value)).toContain('z************@example.org');
    const messages = await get('/sandbox/messages', 'ops');
    expect(messages.body.items[0]).toMatchObject({ toAddress: '+86139****5678', body: null });
  });
});
