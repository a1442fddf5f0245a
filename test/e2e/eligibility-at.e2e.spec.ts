import { ManualClock } from '../../src/common/clock';
import { insertAttempt, insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

/** Tuesday 10 March 2026, 11:00 in New York (EDT since Sunday). */
const NOW = '2026-03-10T15:00:00Z';
/** Wednesday 4 March, 10:00 EST: before everything below happened. */
const BEFORE = '2026-03-04T15:00:00Z';

/**
 * "When could we have called?" and "may we call then?": eligibility and reachability at a chosen
 * instant — in the past with the contact log, consent and the list as they stood then, in the
 * future with them as they stand now — saying which.
 */
describe('eligibility and reachability at an instant', () => {
  let t: TestApp;
  let ops: string;
  let manager: string;
  let customer: { id: string; ref: string };
  let listed: { id: string; ref: string };
  const clock = new ManualClock(new Date(NOW));

  async function usCustomer(phone: string) {
    const id = await insertCustomer(t.db, { country: 'US', timezone: 'America/New_York', phone, email: null });
    const [{ external_ref: ref }] = await t.db.query(`SELECT external_ref FROM customers WHERE id = $1`, [id]);
    return { id, ref };
  }

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    [ops, manager] = await Promise.all([t.keyFor('ops'), t.keyFor('campaign_manager')]);

    customer = await usCustomer('+12125550161');
    // A conversation about the debt on Thursday 5 March, 13:00 EST: collection calls locked out through the 11th.
    await insertAttempt(
      t.db,
      customer.id,
      { at: Date.parse('2026-03-05T18:00:00Z'), connected: true, conversation: true },
      'completed',
    );
    // Marketing SMS consent from the 1st; STOP on Sunday the 8th.
    await t.db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at)
       VALUES ($1, 'sms', 'marketing', 'granted', 'api', '2026-03-01T12:00:00Z'), ($1, 'sms', 'all', 'revoked', 'sms_keyword', '2026-03-08T16:00:00Z')`,
      [customer.id],
    );

    listed = await usCustomer('+12125550162');
    await t.db.query(
      `INSERT INTO do_not_contact (kind, value, reason, added_at) VALUES ('phone', '+12125550162', 'asked us', '2026-03-07T12:00:00Z')`,
    );
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(NOW));

  const eligibility = (id: string, query: string) =>
    t.http.get(`/customers/${id}/eligibility?${query}`).auth(ops, { type: 'bearer' });

  it('answers for now, with the history as it stands, when no instant is given', async () => {
    const { body } = await eligibility(customer.id, 'purpose=collections&channel=call').expect(200);
    expect(body).toMatchObject({
      allowed: false,
      at: { utc: '2026-03-10T15:00:00.000Z', local: '2026-03-10T11:00:00-04:00' },
      asOf: {
        history: 'as_it_stands_now',
        historyUpTo: { utc: '2026-03-10T15:00:00.000Z' },
        profile: 'as_it_stands_now',
      },
      nextAllowedAt: { utc: '2026-03-12T12:00:00.000Z', local: '2026-03-12T08:00:00-04:00' },
    });
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain('CAP_US_CONVERSATION_LOCKOUT');
  });

  it('answers for a past instant with the contact log as it stood: no conversation yet, the call was allowed', async () => {
    const { body } = await eligibility(customer.id, `purpose=collections&channel=call&at=${BEFORE}`).expect(200);
    expect(body).toMatchObject({
      allowed: true,
      reasons: [],
      at: { utc: '2026-03-04T15:00:00.000Z', local: '2026-03-04T10:00:00-05:00' },
      asOf: { history: 'as_it_stood', historyUpTo: { utc: '2026-03-04T15:00:00.000Z', local: '2026-03-04T10:00:00-05:00' } },
    });
    // During the lock-out, seen from then: refused, free again on the 12th at 08:00.
    const during = await eligibility(customer.id, 'purpose=collections&channel=call&at=2026-03-09T14:00:00Z').expect(200);
    expect(during.body).toMatchObject({
      allowed: false,
      asOf: { history: 'as_it_stood' },
      nextAllowedAt: { utc: '2026-03-12T12:00:00.000Z' },
    });
  });

  it('answers for a past instant with consent as it stood: marketing SMS was allowed before the STOP', async () => {
    const then = await eligibility(customer.id, 'purpose=marketing&channel=sms&at=2026-03-05T15:00:00Z').expect(200);
    expect(then.body).toMatchObject({ allowed: true, asOf: { history: 'as_it_stood' } });
    const now = await eligibility(customer.id, 'purpose=marketing&channel=sms').expect(200);
    expect(now.body).toMatchObject({ allowed: false, final: true, reasons: [{ code: 'OPTED_OUT' }] });
  });

  it('answers for a past instant with the do-not-contact list as it stood', async () => {
    const then = await eligibility(listed.id, 'purpose=collections&channel=sms&at=2026-03-06T15:00:00Z').expect(200);
    expect(then.body).toMatchObject({ allowed: true });
    const now = await eligibility(listed.id, 'purpose=collections&channel=sms').expect(200);
    expect(now.body).toMatchObject({ allowed: false, reasons: [{ code: 'DO_NOT_CONTACT' }] });
  });

  it('answers for a future instant with the history as it stands now', async () => {
    const inLockOut = await eligibility(customer.id, 'purpose=collections&channel=call&at=2026-03-11T14:00:00Z').expect(200);
    expect(inLockOut.body).toMatchObject({
      allowed: false,
      at: { utc: '2026-03-11T14:00:00.000Z' },
      asOf: { history: 'as_it_stands_now', historyUpTo: { utc: NOW.replace('Z', '.000Z') } },
      nextAllowedAt: { utc: '2026-03-12T12:00:00.000Z' },
    });
    const after = await eligibility(customer.id, 'purpose=collections&channel=call&at=2026-03-12T13:00:00-04:00').expect(200);
    expect(after.body).toMatchObject({
      allowed: true,
      at: { utc: '2026-03-12T17:00:00.000Z' },
      asOf: { history: 'as_it_stands_now' },
    });
    // Quiet hours apply at the instant asked about: 22:00 in New York is too late.
    const late = await eligibility(customer.id, 'purpose=collections&channel=call&at=2026-03-13T02:00:00Z').expect(200);
    expect(late.body.reasons.map((r: { code: string }) => r.code)).toContain('QUIET_HOURS');
  });

  it('reads an offset whose + a query string turned into a space', async () => {
    const { body } = await eligibility(customer.id, 'purpose=collections&channel=call&at=2026-03-12T21:30:00+08:00').expect(200);
    expect(body.at.utc).toBe('2026-03-12T13:30:00.000Z');
    const encoded = await eligibility(customer.id, 'purpose=collections&channel=call&at=2026-03-12T21:30:00%2B08:00').expect(200);
    expect(encoded.body.at.utc).toBe('2026-03-12T13:30:00.000Z');
  });

  it.each([
    ['not a date', 'yesterday'],
    ['no offset', '2026-03-10T09:00:00'],
    ['no such day', '2026-02-30T09:00:00Z'],
    ['a date alone', '2026-03-10'],
    ['two values', '2026-03-10T09:00:00Z&at=2026-03-11T09:00:00Z'],
  ])('refuses a bad at (%s) with a 400 naming at', async (_, value) => {
    const { body } = await eligibility(customer.id, `purpose=collections&channel=call&at=${value}`).expect(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(body.error.details).toEqual([
      { field: 'at', reason: 'must be an ISO 8601 instant with a UTC offset, e.g. 2026-03-10T09:30:00-04:00' },
    ]);
  });

  describe('POST /policy/reachability', () => {
    const reach = (body: object, query = '') =>
      t.http
        .post(`/policy/reachability${query}`)
        .auth(manager, { type: 'bearer' })
        .send({ purpose: 'collections', ...body });
    const only = (who: { ref: string }) => ({ rule: { field: 'externalRef', op: 'eq', value: who.ref } });

    it('counts at a past instant with the history as it stood, and says so', async () => {
      const now = await reach(only(customer)).expect(200);
      expect(now.body).toMatchObject({
        total: 1,
        asOf: { history: 'as_it_stands_now', profile: 'as_it_stands_now' },
        channels: { call: { blockedByCap: 1, reachableNow: 0 } },
      });
      const then = await reach({ ...only(customer), at: BEFORE }).expect(200);
      expect(then.body).toMatchObject({
        at: '2026-03-04T15:00:00.000Z',
        asOf: { history: 'as_it_stood', historyUpTo: '2026-03-04T15:00:00.000Z' },
        channels: { call: { blockedByCap: 0, reachableNow: 1 }, sms: { reachableNow: 1, blockedByOptOut: 0 } },
      });
      expect((await reach(only(customer))).body.channels.sms).toMatchObject({ blockedByOptOut: 1 });
    });

    it('reads the list as it stood, and takes the instant in the query too', async () => {
      expect((await reach(only(listed)).expect(200)).body.channels.call).toMatchObject({ blockedByList: 1 });
      const then = await reach(only(listed), '?at=2026-03-06T15:00:00Z').expect(200);
      expect(then.body).toMatchObject({
        asOf: { history: 'as_it_stood' },
        channels: { call: { blockedByList: 0, reachableNow: 1 } },
      });
      const future = await reach({ ...only(listed), at: '2026-03-20T15:00:00Z' }).expect(200);
      expect(future.body).toMatchObject({ asOf: { history: 'as_it_stands_now' }, channels: { call: { blockedByList: 1 } } });
    });

    it('refuses a bad at naming it, and two different ones', async () => {
      const bad = await reach({ ...only(customer), at: 'last Tuesday' }).expect(400);
      expect(bad.body.error.details).toEqual([
        { field: 'at', reason: 'must be an ISO 8601 instant with a UTC offset, e.g. 2026-03-10T09:30:00-04:00' },
      ]);
      const both = await reach({ ...only(customer), at: BEFORE }, '?at=2026-03-05T15:00:00Z').expect(400);
      expect(both.body.error.details).toEqual([
        { field: 'at', reason: 'given in the body and the query with different instants' },
      ]);
    });
  });

  it('documents at in the OpenAPI document', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    const eligibilityAt = body.paths['/customers/{id}/eligibility'].get.parameters.find((p: { name: string }) => p.name === 'at');
    expect(eligibilityAt).toMatchObject({ in: 'query', required: false, description: expect.stringContaining('as they stood') });
    const reachability = body.paths['/policy/reachability'].post;
    expect(reachability.parameters.map((p: { name: string }) => p.name)).toContain('at');
    expect(JSON.stringify(body.components.schemas.ReachabilityDto.properties.at)).toContain('as they stood');
  });
});
