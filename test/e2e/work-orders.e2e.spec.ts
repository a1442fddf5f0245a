import { ManualClock } from '../../src/common/clock';
import { StaffNotifier } from '../../src/work-orders/staff-notifier.job';
import { WorkOrdersRepository } from '../../src/work-orders/work-orders.repository';
import { FakeTwilio } from '../support/fake-twilio.server';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';

// Tuesday 1 December 2026, 10:00 in Shanghai: outside staff quiet hours (22:00–08:00).
const NOW = new Date('2026-12-01T02:00:00Z');
const HERALD_NUMBER = '+15005550006';
const HOUR = 3_600_000;

/**
 * The risk desk's journey through HTTP, a local SMTP server and a local Twilio: an alert rule
 * fires on a PATCH, opens a work order with a due-by, staff are told by e-mail and SMS, an agent
 * takes it, calls (a disposition through the work order it holds), resolves it, the outcome is
 * on the profile and in the SLA figures; a complaint left alone is escalated to the supervisor.
 */
describe('risk alerts to work orders, end to end', () => {
  const clock = new ManualClock(NOW);
  let twilio: FakeTwilio;
  let smtp: SmtpSink;
  let t: TestApp;
  let manager: string;
  let ops: string;
  let integration: string;
  let agentA: { id: string; key: string };
  let agentB: { id: string; key: string };
  let supervisor: { id: string; key: string };

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    smtp = await SmtpSink.start();
    t = await startTestApp(
      {
        ...twilio.env({ TWILIO_FROM_NUMBER: HERALD_NUMBER }),
        SMTP_URL: smtp.url,
        SMS_PER_SECOND: '0',
        SANDBOX_AUTO_CALLBACKS: 'false',
      },
      { clock, listen: true },
    );
    [manager, ops, integration] = await Promise.all([t.keyFor('campaign_manager'), t.keyFor('ops'), t.keyFor('integration')]);
    [agentA, agentB, supervisor] = await Promise.all([t.userFor('agent'), t.userFor('agent'), t.userFor('ops')]);
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
    await smtp.close();
  });

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const sweep = () => t.app.get(StaffNotifier).sweep();
  const mailTo = (address: string) => smtp.received.filter((m) => m.envelope.to.includes(address));
  const smsTo = (phone: string) => twilio.messages.filter((m) => m.to === phone).map((m) => m.body);

  it('takes an alert from the rule to the SLA figures', async () => {
    // The desk: two agents (one told by e-mail, one by SMS), a supervisor told by e-mail.
    for (const queue of ['risk-desk', 'customer-care']) {
      await t.http
        .put(`/work-queues/${queue}`)
        .set(as(ops))
        .send({ supervisorId: supervisor.id, memberIds: [agentA.id, agentB.id] })
        .expect(200);
    }
    await t.http
      .put(`/staff-notification-settings/${agentA.id}`)
      .set(as(ops))
      .send({ channel: 'email', email: 'a@centre.test' })
      .expect(200);
    await t.http
      .put(`/staff-notification-settings/${agentB.id}`)
      .set(as(ops))
      .send({ channel: 'sms', phone: '+8613900000002' })
      .expect(200);
    await t.http
      .put(`/staff-notification-settings/${supervisor.id}`)
      .set(as(ops))
      .send({ channel: 'email', email: 'lead@centre.test' })
      .expect(200);
    const refused = await t.http
      .put(`/staff-notification-settings/${agentA.id}`)
      .set(as(ops))
      .send({ channel: 'sms' })
      .expect(400);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual(['phone']);

    const customer = (
      await t.http
        .post('/customers')
        .set(as(ops))
        .send({ externalRef: 'WO-1', fullName: '王芳', phone: '+8613812340001', daysPastDue: 0, riskLevel: 'medium' })
        .expect(201)
    ).body;

    // The risk manager tries the rule on the book, then saves it.
    const rule = {
      all: [
        { field: 'daysPastDue', op: 'gte', value: 30 },
        { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
      ],
    };
    const dry = await t.http.post('/alert-rules/dry-run').set(as(manager)).send({ rule }).expect(200);
    expect(dry.body.wouldFire).toBe(0);
    const saved = await t.http
      .post('/alert-rules')
      .set(as(manager))
      .send({ name: 'Past due 30, medium or high risk', rule, severity: 'high', queue: 'risk-desk', slaMinutes: 240 })
      .expect(201);
    // An edit answers the rule as saved, not the driver's [rows, count] of an UPDATE.
    const edited = await t.http
      .patch(`/alert-rules/${saved.body.id}`)
      .set(as(manager))
      .send({ description: 'collections watch list' })
      .expect(200);
    expect(edited.body).toMatchObject({ id: saved.body.id, description: 'collections watch list', severity: 'high' });

    // The core system reports 45 days past due: the customer enters the rule, a work order opens.
    await t.http.patch(`/customers/${customer.id}`).set(as(ops)).send({ daysPastDue: 45 }).expect(200);
    await t.http.patch(`/customers/${customer.id}`).set(as(ops)).send({ daysPastDue: 46 }).expect(200);
    const listed = await t.http
      .get('/work-orders')
      .query({ customerId: customer.id, queue: 'risk-desk' })
      .set(as(ops))
      .expect(200);
    expect(listed.body.total).toBe(1);
    const [order] = listed.body.items;
    expect(order).toMatchObject({ kind: 'alert', severity: 'high', status: 'open', breached: false });
    expect(order.dueBy).toBe(new Date(NOW.getTime() + 4 * HOUR).toISOString());

    // Staff are told once, each on the channel they chose.
    expect(await sweep()).toMatchObject({ opened: 2, sent: 2, failed: 0, quiet: false });
    expect(await sweep()).toMatchObject({ opened: 0, sent: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail.envelope.to).toEqual(['a@centre.test']);
    expect(mail.parsed.subject).toContain('Past due 30, medium or high risk');
    expect(smsTo('+8613900000002')).toEqual([expect.stringContaining('new work order [high, risk-desk]')]);

    // Agent A takes it; agent B can neither see nor take it now, nor act on the customer.
    const taken = await t.http.post('/work-orders/next').set(as(agentA.key)).expect(200);
    expect(taken.body).toMatchObject({ id: order.id, status: 'in_progress', assigneeId: agentA.id });
    expect((await t.http.get(`/work-orders/${order.id}`).set(as(agentB.key)).expect(403)).body.error.code).toBe(
      'WORK_ORDER_NOT_YOURS',
    );
    expect((await t.http.post(`/work-orders/${order.id}/claim`).set(as(agentB.key)).expect(409)).body.error.code).toBe(
      'WORK_ORDER_BAD_TRANSITION',
    );
    await t.http.get(`/customers/${customer.id}`).set(as(agentB.key)).expect(403);

    // A calls (the disposition goes through the work order A holds) and resolves with an outcome.
    clock.advance(HOUR);
    await t.http.get(`/customers/${customer.id}`).set(as(agentA.key)).expect(200);
    // Its lists hold the customer of the order it holds, as they would for an agent task.
    const mine = await t.http.get('/customers').set(as(agentA.key)).expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([customer.id]);
    await t.http
      .post(`/customers/${customer.id}/dispositions`)
      .set(as(agentA.key))
      .send({ code: 'right_party_contact', identityVerified: true, purpose: 'collections', note: 'lost job, agreed a plan' })
      .expect(201);
    await t.http
      .post(`/work-orders/${order.id}/resolve`)
      .set(as(agentA.key))
      .send({ outcome: 'payment_arranged', note: 'called; instalment plan agreed' })
      .expect(200);
    // The work order is closed: A's access to the customer ends with it.
    await t.http.get(`/customers/${customer.id}`).set(as(agentA.key)).expect(403);

    const outcomes = await t.http.get(`/customers/${customer.id}/outcomes`).set(as(ops)).expect(200);
    expect(outcomes.body.lastWorkOrder).toEqual({ outcome: 'payment_arranged', at: clock.now().toISOString() });
    const record = (await t.http.get(`/work-orders/${order.id}`).set(as(ops)).expect(200)).body;
    expect(record.history.map((h: { action: string }) => h.action)).toEqual([
      'opened',
      'notified',
      'notified',
      'claimed',
      'resolved',
    ]);
    expect(record.history.at(-1).detail).toEqual({ outcome: 'payment_arranged', note: 'called; instalment plan agreed' });

    const stats = (await t.http.get('/work-orders/stats').set(as(integration)).expect(200)).body;
    expect(stats.groups).toEqual([
      {
        queue: 'risk-desk',
        severity: 'high',
        opened: 1,
        resolved: 1,
        resolvedWithinSla: 1,
        withinSlaShare: 1,
        p50FirstActionSeconds: 0,
        p90FirstActionSeconds: 0,
        p50ResolutionSeconds: 3600,
        p90ResolutionSeconds: 3600,
        openNow: 0,
        breachedNow: 0,
      },
    ]);
    expect(stats.zone).toBe('Asia/Shanghai');
    expect(stats.daily).toEqual([{ day: '2026-12-01', opened: 1, withinSla: 1, late: 0 }]);
  });

  it('opens work orders for a free-text reply and a complaint, warns near breach and escalates a breach', async () => {
    const customer = (
      await t.http
        .post('/customers')
        .set(as(ops))
        .send({ externalRef: 'WO-2', fullName: '李伟', phone: '+8613812340002' })
        .expect(201)
    ).body;
    clock.set(NOW);
    await twilio.sendInboundSms(`${t.config.publicBaseUrl}/webhooks/twilio/messages/inbound`, {
      from: customer.phone,
      to: HERALD_NUMBER,
      body: 'Why was I charged twice? This is unacceptable',
    });
    const complaint = await t.http
      .post(`/customers/${customer.id}/complaints`)
      .set(as(ops))
      .send({ summary: 'late fee charged after paying on time', severity: 'high' })
      .expect(201);
    expect(complaint.body).toMatchObject({ kind: 'complaint', queue: 'customer-care', severity: 'high' });
    expect(complaint.body.dueBy).toBe(new Date(NOW.getTime() + 48 * HOUR).toISOString());
    const orders = (await t.http.get('/work-orders').query({ customerId: customer.id }).set(as(ops)).expect(200)).body.items;
    expect(orders.map((o: { kind: string }) => o.kind).sort()).toEqual(['complaint', 'inbound_reply']);
    await sweep();

    // 36 h of 48 (75 %): the queue is told the orders are near breach; at 48 h the supervisor is told of the breach.
    clock.set(new Date(NOW.getTime() + 36 * HOUR));
    expect(await sweep()).toMatchObject({ nearBreach: 4, escalated: 0 });
    clock.set(new Date(NOW.getTime() + 48 * HOUR));
    const mailsBefore = mailTo('lead@centre.test').length;
    expect(await sweep()).toMatchObject({ escalated: 2 });
    expect(await sweep()).toMatchObject({ escalated: 0 });
    expect(mailTo('lead@centre.test').length - mailsBefore).toBe(2);
    expect(mailTo('lead@centre.test').at(-1)!.parsed.subject).toContain('past its SLA');

    const breached = await t.http
      .get('/work-orders')
      .query({ customerId: customer.id, breached: 'true' })
      .set(as(ops))
      .expect(200);
    expect(breached.body.total).toBe(2);
    const history = (await t.http.get(`/work-orders/${complaint.body.id}`).set(as(ops)).expect(200)).body.history;
    expect(history.map((h: { action: string }) => h.action)).toContain('escalated');
  });

  it('holds staff e-mail and SMS through quiet hours, and shows the console notification at once', async () => {
    const customer = (
      await t.http
        .post('/customers')
        .set(as(ops))
        .send({ externalRef: 'WO-3', fullName: '张敏', phone: '+8613812340003' })
        .expect(201)
    ).body;
    await t.http.put(`/staff-notification-settings/${supervisor.id}`).set(as(ops)).send({ channel: 'console' }).expect(200);
    await t.http
      .put('/work-queues/night-desk')
      .set(as(ops))
      .send({ supervisorId: null, memberIds: [agentA.id, supervisor.id] })
      .expect(200);
    await t.http
      .post('/alert-rules')
      .set(as(manager))
      .send({
        name: 'Card blocked',
        rule: { field: 'cardStatus', op: 'eq', value: 'blocked' },
        severity: 'medium',
        queue: 'night-desk',
        slaMinutes: 1440,
      })
      .expect(201);
    clock.set('2026-12-03T15:00:00Z'); // 23:00 in Shanghai
    await t.http.patch(`/customers/${customer.id}`).set(as(ops)).send({ cardStatus: 'blocked' }).expect(200);
    const mails = smtp.received.length;
    expect(await sweep()).toMatchObject({ opened: 2, sent: 0, quiet: true });
    const console = (await t.http.get('/staff-notifications').set(as(supervisor.key)).expect(200)).body;
    expect(console[0]).toMatchObject({ stage: 'opened', channel: 'console', status: 'sent', summary: 'Card blocked' });
    expect((await t.http.get('/staff-notifications').set(as(agentA.key)).expect(200)).body[0]).toMatchObject({
      status: 'pending',
    });

    clock.set('2026-12-04T00:00:00Z'); // 08:00
    expect(await sweep()).toMatchObject({ sent: 1, quiet: false });
    await smtp.waitFor(mails + 1);
    expect(smtp.received.at(-1)!.parsed.subject).toContain('Card blocked');
  });

  it('fires a rule over recent events: a reply that reads as a complaint, once per episode, closed when it leaves the window', async () => {
    const customer = (
      await t.http
        .post('/customers')
        .set(as(ops))
        .send({ externalRef: 'WO-9', fullName: '周杰', phone: '+8613812340009' })
        .expect(201)
    ).body;
    const rule = await t.http
      .post('/alert-rules')
      .set(as(manager))
      .send({
        name: 'A complaint in a reply',
        rule: { field: 'complaintRepliesLast30Days', op: 'gte', value: 1 },
        severity: 'high',
        queue: 'complaints-desk',
        slaMinutes: 240,
      })
      .expect(201);
    // It reads the customer's replies, and the calendar moves the window: on change and on schedule.
    expect(rule.body).toMatchObject({ reads: ['complaintReplies'], scheduled: true });
    const alerts = async () =>
      (await t.http.get('/work-orders').query({ customerId: customer.id, queue: 'complaints-desk' }).set(as(ops)).expect(200))
        .body.items;
    const reply = (body: string) =>
      twilio.sendInboundSms(`${t.config.publicBaseUrl}/webhooks/twilio/messages/inbound`, {
        from: customer.phone,
        to: HERALD_NUMBER,
        body,
      });

    clock.set('2026-12-10T02:00:00Z');
    await reply('Paid it yesterday, thanks');
    expect(await alerts()).toEqual([]);
    await reply('我要投诉，你们的服务太差了');
    expect(await alerts()).toEqual([
      expect.objectContaining({ kind: 'alert', alertRuleId: rule.body.id, severity: 'high', status: 'open' }),
    ]);
    await reply('Still waiting. Unacceptable.');
    expect(await alerts()).toHaveLength(1);

    // 31 days on, both complaints are out of the window: the scheduled run clears the order.
    clock.set('2027-01-10T03:00:00Z');
    await t.http.post('/alert-rules/runs').set(as(manager)).expect(201);
    expect(await alerts()).toEqual([expect.objectContaining({ status: 'resolved', outcome: 'condition_cleared' })]);
  });

  it('refuses what the rules refuse: a bad rule names its field, an agent cannot cancel', async () => {
    const bad = await t.http
      .post('/alert-rules')
      .set(as(manager))
      .send({
        name: 'bad',
        rule: { field: 'password', op: 'eq', value: 1 },
        severity: 'high',
        queue: 'risk-desk',
        slaMinutes: 60,
      })
      .expect(400);
    expect(bad.body.error.code).toBe('SEGMENT_UNKNOWN_FIELD');
    const [open] = (await t.http.get('/work-orders').query({ status: 'open' }).set(as(ops)).expect(200)).body.items;
    await t.http.post(`/work-orders/${open.id}/actions`).set(as(ops)).send({ action: 'note', note: 'looking' }).expect(200);
    const refused = await t.http
      .post(`/work-orders/${open.id}/actions`)
      .set(as(agentA.key))
      .send({ action: 'cancel' })
      .expect(403);
    expect(refused.body.error.code).toBe('WORK_ORDER_NOT_YOURS');
    await t.http.post(`/work-orders/${open.id}/actions`).set(as(ops)).send({ action: 'cancel' }).expect(200);
  });

  it('opens one order per reply when replies come together, a retried one among them, each with its opening in the history', async () => {
    const customer = (
      await t.http
        .post('/customers')
        .set(as(ops))
        .send({ externalRef: 'WO-11', fullName: '何静', phone: '+8613812340011' })
        .expect(201)
    ).body;
    clock.set(NOW);
    const url = `${t.config.publicBaseUrl}/webhooks/twilio/messages/inbound`;
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        twilio.sendInboundSms(url, { from: customer.phone, to: HERALD_NUMBER, body: `Question ${i + 1} about my bill` }),
      ),
    );
    // Twilio retries one of them, twice at once.
    const retry = () => twilio.postSigned(replies[3].url, replies[3].params);
    expect((await Promise.all([retry(), retry()])).map((r) => r.status)).toEqual([200, 200]);

    const orders = (await t.http.get('/work-orders').query({ customerId: customer.id, limit: 50 }).set(as(ops)).expect(200)).body
      .items as { id: string; kind: string; summary: string }[];
    expect(orders.map((o) => o.summary).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `Customer wrote: Question ${i + 1} about my bill`).sort(),
    );
    const histories = await Promise.all(
      orders.map(async (o) => (await t.http.get(`/work-orders/${o.id}`).set(as(ops)).expect(200)).body.history),
    );
    expect(histories.map((h: { action: string }[]) => h.map((e) => e.action))).toEqual(Array(12).fill(['opened']));

    // One batch holding a source twice and one already opened: the first new one gets the order.
    const order = (sourceRef: string) => ({
      kind: 'inbound_reply' as const,
      customerId: customer.id,
      sourceRef,
      summary: 'Customer wrote: again',
      severity: 'medium',
      queue: 'customer-care',
      slaMinutes: 60,
      at: NOW,
    });
    const ids = await t.app
      .get(WorkOrdersRepository)
      .openFromSources(t.db, [
        order('SM-batch-1'),
        order('SM-batch-1'),
        order(replies[0].params.MessageSid),
        order('SM-batch-2'),
      ]);
    expect(ids.map((id) => typeof id)).toEqual(['string', 'undefined', 'undefined', 'string']);
    expect(new Set(ids).size).toBe(3);
  });
});
