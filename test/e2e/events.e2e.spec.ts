import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { UsersService } from '../../src/auth/users.service';
import { loadConfig } from '../../src/config/app-config';
import { Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES } from '../../src/dispatch/outbox.repository';
import { EVENT_TYPES } from '../../src/events/event-types';
import { verifyEvent } from '../../src/events/event-signature';
import { EventReceiver } from '../support/event-receiver';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const SECRET = 'receiver-secret-0123456789';
const URGENT = LANES[0];

/**
 * Outbound events to a real HTTP receiver on loopback, with retries fast enough for a test
 * (EVENTS_RETRY_BASE_MS): signed, in order per customer, through a receiver outage and a restart
 * of Herald on the same database.
 */
describe('outbound events', () => {
  let database: TestDatabase;
  let receiver: EventReceiver;
  let app: INestApplication;
  let db: DataSource;
  let integration: string;
  let ops: string;

  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: 'http://herald.test',
    DISPATCH_ENABLED: 'false',
    SANDBOX_AUTO_CALLBACKS: 'false',
    API_KEY_MAX_FAILURES: '100000',
    SMS_PER_SECOND: '0',
    EVENTS_POLL_MS: '25',
    EVENTS_RETRY_BASE_MS: '20',
    EVENTS_RETRY_MAX_MS: '100',
    EVENTS_TIMEOUT_MS: '1000',
  });
  /** Herald on the test database: started again, it is a restart. */
  const start = async () => {
    app = await createApp(config, database.url);
    await app.init();
    db = app.get(DataSource);
  };
  const http = () => request(app.getHttpServer());
  const post = (path: string, body: object, key = integration) =>
    http().post(path).set('Authorization', `Bearer ${key}`).send(body);
  const pay = (externalRef: string, reference: string, amount: number) =>
    post('/payments', { externalRef, amount, currency: 'CNY', paidAt: '2026-11-23T01:00:00Z', reference }).expect(201);

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await EventReceiver.start();
    await start();
    const users = app.get(UsersService);
    const keyFor = async (role: 'integration' | 'ops') => {
      const user = await users.create({ username: `${role}-events`, displayName: role, role });
      return (await users.issueKey(user.id, 'test')).key;
    };
    [integration, ops] = [await keyFor('integration'), await keyFor('ops')];
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
    await database.drop();
  });

  it('holds the event types against the database', async () => {
    const [{ check }] = await db.query(
      `SELECT pg_get_constraintdef(oid) AS check FROM pg_constraint WHERE conrelid = 'events'::regclass AND conname = 'events_type_check'`,
    );
    expect([...check.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('subscribes, never shows the secret, and refuses what is not a subscription', async () => {
    const created = await post('/event-subscriptions', {
      name: 'collections',
      url: receiver.url,
      eventTypes: ['payment.recorded', 'consent.changed', 'promise_to_pay.made', 'contact.sent', 'contact.delivered'],
      secret: SECRET,
    }).expect(201);
    expect(created.body).toMatchObject({ name: 'collections', url: receiver.url });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const listed = await http().get('/event-subscriptions').set('Authorization', `Bearer ${integration}`).expect(200);
    expect(listed.body.map((s: { name: string }) => s.name)).toEqual(['collections']);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);

    const taken = await post('/event-subscriptions', {
      name: 'collections',
      url: receiver.url,
      eventTypes: ['payment.recorded'],
      secret: SECRET,
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'EVENT_SUBSCRIPTION_NAME_TAKEN']);
    const bad = await post('/event-subscriptions', {
      name: 'x',
      url: 'ftp://x',
      eventTypes: ['payment.made'],
      secret: 'short',
    }).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['eventTypes', 'secret', 'url']);
    // Another integration sees only its own.
    const users = app.get(UsersService);
    const other = await users.create({ username: 'integration-other', displayName: 'other', role: 'integration' });
    const otherKey = (await users.issueKey(other.id, 'test')).key;
    expect((await http().get('/event-subscriptions').set('Authorization', `Bearer ${otherKey}`).expect(200)).body).toEqual([]);
    await http().delete(`/event-subscriptions/${created.body.id}`).set('Authorization', `Bearer ${otherKey}`).expect(404);
  });

  it('delivers signed, in order per customer, after the receiver was down, and across a restart', async () => {
    const ada = await store.customer(db, { externalRef: 'EV-ADA', minimumDue: 10_000 });
    const bo = await store.customer(db, { externalRef: 'EV-BO' });
    receiver.down = true;
    await pay('EV-ADA', 'EV-1', 3_000);
    await post(`/customers/${ada.id}/consent`, { channel: 'sms', scope: 'marketing', state: 'revoked' }).expect(201);
    await pay('EV-BO', 'EV-2', 1_000);
    await pay('EV-ADA', 'EV-3', 7_000);
    // The same word said again changes nothing, and tells nobody.
    await post(`/customers/${ada.id}/consent`, { channel: 'sms', scope: 'marketing', state: 'revoked' }).expect(201);

    // Down: tried, refused, tried again later.
    await eventually(async () => expect(receiver.refused).toBeGreaterThanOrEqual(6));
    const [{ attempts, lastError }] = await db.query(
      `SELECT max(attempts) AS attempts, max(last_error) AS "lastError" FROM event_deliveries WHERE status = 'pending'`,
    );
    expect(attempts).toBeGreaterThan(1);
    expect(lastError).toBe('HTTP 503');
    // Ada's later events wait behind her first: only heads were tried.
    expect(receiver.received).toHaveLength(0);

    // Herald restarts while the receiver is still down; nothing is lost.
    await app.close();
    await start();
    receiver.down = false;
    await eventually(async () => expect(receiver.events()).toHaveLength(4), 10_000);

    const events = receiver.events();
    const of = (customerId: string) => events.filter((e) => e.data.customerId === customerId);
    expect(of(ada.id).map((e) => [e.type, e.data.reference ?? e.data.state])).toEqual([
      ['payment.recorded', 'EV-1'],
      ['consent.changed', 'revoked'],
      ['payment.recorded', 'EV-3'],
    ]);
    expect(of(bo.id).map((e) => e.type)).toEqual(['payment.recorded']);
    expect(of(ada.id)[2].data).toMatchObject({ amount: 7_000, currency: 'CNY', minimumCovered: true, paidThisCycle: 10_000 });

    for (const delivery of receiver.received) {
      const headers = {
        signature: delivery.headers['x-herald-signature'] as string,
        timestamp: delivery.headers['x-herald-timestamp'] as string,
      };
      const now = Math.floor(Date.now() / 1000);
      expect(verifyEvent(SECRET, headers, delivery.body, now)).toBe(true);
      expect(delivery.headers['x-herald-event-id']).toBe(JSON.parse(delivery.body).id);
      // Tampered: the body changed in flight.
      expect(verifyEvent(SECRET, headers, delivery.body.replace('"CNY"', '"USD"').replace('revoked', 'granted'), now)).toBe(
        false,
      );
      // Replayed: the same delivery sent again ten minutes later.
      expect(verifyEvent(SECRET, headers, delivery.body, now + 600)).toBe(false);
    }
    const delivered = await db.query(`SELECT count(*)::int AS n FROM event_deliveries WHERE status = 'delivered'`);
    expect(delivered[0].n).toBe(4);
  });

  it('tells subscribers a contact was sent and then delivered', async () => {
    const cy = await store.customer(db, { externalRef: 'EV-CY' });
    // A fraud alert may go at any hour: the test does not depend on the hour it runs at (a
    // reminder is held back by quiet hours in the evening).
    const task = await store.task(db, cy, {
      purpose: 'fraud',
      templateKey: 'fraud-verification',
      subjectRef: 'case-ev-cy',
      variables: { txn: { amount: 880000, currency: 'CNY', merchant: 'JD.com', at: '2026-11-23T02:58:00Z', reference: '4821' } },
      dueAt: new Date(Date.now() - 60_000),
    });
    await app.get(Dispatcher).runBatch(URGENT);
    await eventually(async () => expect(receiver.events().filter((e) => e.data.customerId === cy.id)).toHaveLength(1));
    const [sent] = receiver.events().filter((e) => e.data.customerId === cy.id);
    expect(sent).toMatchObject({
      type: 'contact.sent',
      data: { taskId: task.id, channel: 'sms', purpose: 'fraud', status: 'queued' },
    });
    expect(JSON.stringify(sent)).not.toContain(cy.phone!);

    // The sandbox keeps its messages a moment after it answers, as a provider would.
    let message: { id: string } | undefined;
    await eventually(async () => {
      [message] = await db.query(`SELECT id FROM sandbox_messages WHERE provider_ref = $1`, [sent.data.providerRef]);
      expect(message).toBeDefined();
    });
    await post(`/sandbox/messages/${message!.id}/status`, { status: 'delivered' }, ops).expect(200);
    await post(`/sandbox/messages/${message!.id}/status`, { status: 'delivered' }, ops);
    await eventually(async () => expect(receiver.events().filter((e) => e.data.customerId === cy.id)).toHaveLength(2));
    expect(
      receiver
        .events()
        .filter((e) => e.data.customerId === cy.id)
        .map((e) => e.type),
    ).toEqual(['contact.sent', 'contact.delivered']);
  });

  it('parks what its window could not deliver, shows it to ops, and tries it again on request', async () => {
    const short = loadConfig({ LOG_LEVEL: 'silent', EVENTS_RETRY_HOURS: '1' });
    expect(short.events.retry.forMs).toBe(3_600_000);
    const dee = await store.customer(db, { externalRef: 'EV-DEE' });
    receiver.down = true;
    await pay('EV-DEE', 'EV-4', 100);
    await eventually(async () => expect(receiver.refused).toBeGreaterThan(0));
    // Its window over (as if 24 h of failures had passed): the next failure parks it.
    await db.query(`UPDATE event_deliveries SET created_at = now() - interval '25 hours' WHERE status = 'pending'`);
    await eventually(async () => {
      const parked = await http().get('/event-deliveries?status=parked').set('Authorization', `Bearer ${ops}`).expect(200);
      expect(parked.body.items).toEqual([
        expect.objectContaining({ type: 'payment.recorded', customerId: dee.id, status: 'parked', lastError: 'HTTP 503' }),
      ]);
    });
    receiver.down = false;
    const [{ id }] = await db.query(`SELECT id FROM event_subscriptions WHERE name = 'collections'`);
    const unparked = await http().post(`/event-subscriptions/${id}/unpark`).set('Authorization', `Bearer ${ops}`).expect(200);
    expect(unparked.body).toEqual({ unparked: 1 });
    await eventually(async () => expect(receiver.events().filter((e) => e.data.customerId === dee.id)).toHaveLength(1));
    // Paged by cursor, newest first.
    const page = await http().get('/event-deliveries?limit=2').set('Authorization', `Bearer ${ops}`).expect(200);
    expect(page.body.items).toHaveLength(2);
    const rest = await http()
      .get(`/event-deliveries?limit=50&after=${page.body.next}`)
      .set('Authorization', `Bearer ${ops}`)
      .expect(200);
    expect(rest.body.items.length + 2).toBe(page.body.total);
  });
});
