import { Readable } from 'node:stream';
import { ManualClock } from '../../src/common/clock';
import { ConsentService } from '../../src/compliance/consent.service';
import { ContactHistoryRepository } from '../../src/compliance/contact-history.repository';
import { DoNotContactService } from '../../src/compliance/do-not-contact.service';
import { EligibilityService } from '../../src/compliance/eligibility.service';
import { insertAttempt, insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = '2026-03-10T04:00:00Z'; // 12:00 in Shanghai
const ms = (iso: string) => Date.parse(iso);

describe('the consent ledger, the list and the history, on PostgreSQL', () => {
  let t: TestApp;
  let consent: ConsentService;
  let list: DoNotContactService;
  let history: ContactHistoryRepository;
  let eligibility: EligibilityService;
  let actor: string;
  const clock = new ManualClock(new Date(NOW));

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    consent = t.app.get(ConsentService);
    list = t.app.get(DoNotContactService);
    history = t.app.get(ContactHistoryRepository);
    eligibility = t.app.get(EligibilityService);
    [{ id: actor }] = await t.db.query(
      `INSERT INTO users (username, display_name, role) VALUES ('ops-ledger', 'Ops', 'ops') RETURNING id`,
    );
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(NOW));

  describe('ConsentService', () => {
    it('derives the current state from the latest entry per channel and scope', async () => {
      const id = await insertCustomer(t.db);
      await consent.record({
        customerId: id,
        channel: 'sms',
        scope: 'marketing',
        state: 'granted',
        source: 'import',
        at: new Date('2026-01-01T00:00:00Z'),
      });
      await consent.record({
        customerId: id,
        channel: 'sms',
        scope: 'marketing',
        state: 'revoked',
        source: 'sms_keyword',
        at: new Date('2026-02-01T00:00:00Z'),
      });
      await consent.record({
        customerId: id,
        channel: 'sms',
        scope: 'all',
        state: 'revoked',
        source: 'sms_keyword',
        at: new Date('2026-02-02T00:00:00Z'),
      });
      await consent.record({
        customerId: id,
        channel: 'sms',
        scope: 'all',
        state: 'granted',
        source: 'sms_keyword',
        at: new Date('2026-02-03T00:00:00Z'),
      });
      await consent.record({ customerId: id, channel: 'email', scope: 'marketing', state: 'granted', source: 'api' });
      const other = await insertCustomer(t.db);

      const states = await consent.currentState([id, other]);
      expect(states.get(id)).toEqual({
        sms: {
          all: { state: 'granted', source: 'sms_keyword', at: new Date('2026-02-03T00:00:00Z') },
          marketing: { state: 'revoked', source: 'sms_keyword', at: new Date('2026-02-01T00:00:00Z') },
        },
        email: { all: null, marketing: { state: 'granted', source: 'api', at: new Date(NOW) } },
        call: { all: null, marketing: null },
      });
      expect(states.get(other)).toEqual({
        sms: { all: null, marketing: null },
        email: { all: null, marketing: null },
        call: { all: null, marketing: null },
      });
    });

    it('says whether an entry changed the state, so one confirmation goes out for two STOPs', async () => {
      const id = await insertCustomer(t.db);
      const stop = () =>
        consent.record({
          customerId: id,
          channel: 'sms',
          scope: 'all',
          state: 'revoked',
          source: 'sms_keyword',
          evidence: { messageSid: 'SM1' },
        });
      const results = await Promise.all([stop(), stop()]);
      expect(results.map((r) => r.changed).sort()).toEqual([false, true]);
      expect(
        (await consent.record({ customerId: id, channel: 'sms', scope: 'all', state: 'granted', source: 'sms_keyword' })).changed,
      ).toBe(true);
      const page = await consent.history(id, { limit: 10, offset: 0 });
      expect(page.total).toBe(3);
      expect(page.items[0]).toMatchObject({ state: 'granted' });
      expect(page.items[2]).toMatchObject({ state: 'revoked', evidence: { messageSid: 'SM1' } });
    });

    it('lets a revocation win a tie of instants, whichever was recorded last', async () => {
      const id = await insertCustomer(t.db);
      const at = new Date('2026-03-01T08:00:00Z');
      await consent.record({ customerId: id, channel: 'sms', scope: 'marketing', state: 'revoked', source: 'sms_keyword', at });
      await consent.record({ customerId: id, channel: 'sms', scope: 'marketing', state: 'granted', source: 'agent', at });
      await consent.record({ customerId: id, channel: 'call', scope: 'all', state: 'granted', source: 'agent', at });
      await consent.record({ customerId: id, channel: 'call', scope: 'all', state: 'revoked', source: 'agent', at });
      const state = (await consent.currentState([id])).get(id)!;
      expect(state.sms.marketing?.state).toBe('revoked');
      expect(state.call.all?.state).toBe('revoked');
    });

    it('refuses an unknown customer with 404', async () => {
      await expect(
        consent.record({
          customerId: '00000000-0000-4000-8000-00000000dead',
          channel: 'sms',
          scope: 'all',
          state: 'revoked',
          source: 'api',
        }),
      ).rejects.toMatchObject({ code: 'CUSTOMER_NOT_FOUND', status: 404 });
    });

    it('keeps the ledger append-only', async () => {
      const id = await insertCustomer(t.db);
      await consent.record({ customerId: id, channel: 'call', scope: 'all', state: 'revoked', source: 'agent' });
      await expect(t.db.query(`UPDATE consent_events SET state = 'granted' WHERE customer_id = $1`, [id])).rejects.toThrow(
        /append-only/,
      );
      await expect(t.db.query(`DELETE FROM consent_events WHERE customer_id = $1`, [id])).rejects.toThrow(/append-only/);
    });

    it('refuses entries for a customer that does not exist, and deletes the ledger with its customer', async () => {
      const id = await insertCustomer(t.db);
      const insert = (customerIds: string[]) =>
        t.db.query(
          `INSERT INTO consent_events (customer_id, channel, scope, state, source)
           SELECT unnest($1::uuid[]), 'sms', 'all', 'revoked', 'api'`,
          [customerIds],
        );
      const entries = async () =>
        (await t.db.query(`SELECT count(*)::int AS n FROM consent_events WHERE customer_id = $1`, [id]))[0].n;

      await expect(insert([id, '00000000-0000-4000-8000-00000000dead'])).rejects.toMatchObject({ code: '23503' });
      expect(await entries()).toBe(0);
      await insert([id, id]);
      expect(await entries()).toBe(2);

      await t.db.query(`DELETE FROM customers WHERE id = $1`, [id]);
      expect(await entries()).toBe(0);
    });
  });

  describe('DoNotContactService', () => {
    it('normalises what it lists, refuses a duplicate, and forgets nothing it removes', async () => {
      const entry = await list.add({ value: '138 0013 8111', reason: 'complaint' }, actor);
      expect(entry).toMatchObject({ kind: 'phone', value: '+8613800138111', reason: 'complaint', addedBy: actor });
      await expect(list.add({ value: '+86 13800138111' }, actor)).rejects.toMatchObject({
        code: 'DO_NOT_CONTACT_LISTED',
        status: 409,
      });
      await expect(list.add({ value: 'not a number' }, actor)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((await list.list({ limit: 10, offset: 0, value: '13800138111' })).items).toHaveLength(1);

      await list.remove(entry.id, actor);
      await expect(list.remove(entry.id, actor)).rejects.toMatchObject({ status: 404 });
      expect((await list.list({ limit: 10, offset: 0, value: '13800138111' })).total).toBe(0);
      const [kept] = await t.db.query(`SELECT removed_by, removed_at FROM do_not_contact WHERE id = $1`, [entry.id]);
      expect(kept).toEqual({ removed_by: actor, removed_at: new Date(NOW) });
      // Listed again after removal: a new entry.
      await list.add({ value: '+8613800138111' }, actor);
    });

    it('imports a file in one statement, reporting duplicates and bad lines without echoing them', async () => {
      await list.add({ value: 'already@example.cn' }, actor);
      const file = [
        'value,reason',
        '+8613900139001,carrier list',
        'Already@Example.CN',
        '13900139002',
        'nonsense',
        '',
        '+8613900139001,twice',
      ].join('\n');
      const result = await list.import(Readable.from([file]), 'text/csv', 'bulk 2026-03', actor);
      expect(result).toEqual({
        lines: 5,
        added: 2,
        alreadyListed: 2,
        invalid: 1,
        problems: [{ line: 5, reason: '"no…se" is neither a valid phone number nor an e-mail address' }],
      });
      const rows = await t.db.query(`SELECT value, reason FROM do_not_contact WHERE value LIKE '+86139001390%' ORDER BY value`);
      expect(rows).toEqual([
        { value: '+8613900139001', reason: 'carrier list' },
        { value: '+8613900139002', reason: 'bulk 2026-03' },
      ]);
    });

    it('imports plain lines without a header, and refuses other media types', async () => {
      const result = await list.import(
        Readable.from(['lines-a@example.cn\r\nlines-b@example.cn\r\n']),
        'text/plain; charset=utf-8',
        undefined,
        actor,
      );
      expect(result).toMatchObject({ lines: 2, added: 2, invalid: 0 });
      await expect(list.import(Readable.from(['x']), 'application/json', undefined, actor)).rejects.toMatchObject({
        status: 415,
      });
    });

    it('matches customers by E.164 phone and case-insensitive e-mail', async () => {
      const listed = await insertCustomer(t.db, { phone: '+8613700137001', email: 'Mixed.Case@Example.CN' });
      const clear = await insertCustomer(t.db, { phone: '+8613700137002', email: null });
      await list.add({ value: '+8613700137001' }, actor);
      await list.add({ value: 'mixed.case@example.cn' }, actor);
      const found = await list.listedFor([listed, clear]);
      expect(found.get(listed)).toEqual({ phone: true, email: true });
      expect(found.get(clear)).toEqual({ phone: false, email: false });
    });
  });

  describe('ContactHistoryRepository', () => {
    it('summarises many customers in one query: counted attempts in the look-back, oldest first', async () => {
      const a = await insertCustomer(t.db);
      const b = await insertCustomer(t.db);
      await insertAttempt(t.db, a, { at: ms('2026-03-09T10:00:00Z'), channel: 'sms', purpose: 'marketing' });
      await insertAttempt(t.db, a, { at: ms('2026-03-01T10:00:00Z'), connected: true, conversation: true, subjectRef: 'debt-1' });
      await insertAttempt(t.db, a, { at: ms('2026-03-09T11:00:00Z') }, 'failed');
      await insertAttempt(t.db, a, { at: ms('2026-03-09T12:00:00Z') }, 'canceled');
      await insertAttempt(t.db, a, { at: ms('2026-03-09T13:00:00Z') }, 'no_answer');
      await insertAttempt(t.db, a, { at: ms('2025-12-01T10:00:00Z') }); // older than any cap looks
      const summaries = await history.summarise([a, b], new Date(NOW));
      expect(summaries.get(a)!.contacts).toEqual([
        {
          at: ms('2026-03-01T10:00:00Z'),
          purpose: 'collections',
          channel: 'call',
          connected: true,
          conversation: true,
          subjectRef: 'debt-1',
        },
        {
          at: ms('2026-03-09T10:00:00Z'),
          purpose: 'marketing',
          channel: 'sms',
          connected: false,
          conversation: false,
          subjectRef: null,
        },
        {
          at: ms('2026-03-09T13:00:00Z'),
          purpose: 'collections',
          channel: 'call',
          connected: false,
          conversation: false,
          subjectRef: null,
        },
      ]);
      expect(summaries.get(a)!.since).toBe(ms(NOW) - history.lookbackMs);
      expect(history.lookbackMs).toBe(30 * 86_400_000);
      expect(summaries.get(b)!.contacts).toEqual([]);
    });
  });

  describe('EligibilityService', () => {
    it('decides from what the database holds: ledger, list, history and profile', async () => {
      const id = await insertCustomer(t.db, { contactWindow: { start: '09:00', end: '20:00' } });
      await consent.record({ customerId: id, channel: 'sms', scope: 'marketing', state: 'granted', source: 'import' });
      await consent.record({ customerId: id, channel: 'email', scope: 'all', state: 'revoked', source: 'email_one_click' });
      for (const hour of ['01', '02'])
        await insertAttempt(t.db, id, {
          at: ms(`2026-03-0${hour === '01' ? 5 : 9}T03:00:00Z`),
          purpose: 'marketing',
          channel: 'sms',
        });
      const [sms, email, call] = await eligibility.decide([
        { customerId: id, purpose: 'marketing', channel: 'sms' },
        { customerId: id, purpose: 'service', channel: 'email' },
        { customerId: id, purpose: 'marketing', channel: 'call' },
      ]);
      expect(sms).toMatchObject({
        allowed: false,
        pack: 'cn',
        timeZone: 'Asia/Shanghai',
        nextAllowedAt: new Date('2026-03-12T03:00:00Z'),
      });
      expect(sms.reasons.map((r) => r.code)).toEqual(['CAP_MARKETING_SMS_7D']);
      expect(email).toMatchObject({ allowed: false, final: true, reasons: [{ code: 'OPTED_OUT' }] });
      expect(call.reasons.map((r) => r.code)).toEqual(['NO_CONSENT']);
    });

    it('explains in the customer’s local time and UTC', async () => {
      clock.set('2026-03-08T06:30:00Z'); // 01:30 EST, the night New York springs forward
      const id = await insertCustomer(t.db, { country: 'US', timezone: 'America/New_York', phone: '+12125550100' });
      const explanation = await eligibility.explain({ customerId: id, purpose: 'collections', channel: 'call' });
      expect(explanation).toMatchObject({
        allowed: false,
        final: false,
        pack: 'us',
        timeZone: 'America/New_York',
        at: { utc: '2026-03-08T06:30:00.000Z', local: '2026-03-08T01:30:00-05:00' },
        nextAllowedAt: { utc: '2026-03-08T12:00:00.000Z', local: '2026-03-08T08:00:00-04:00' },
        reasons: [
          {
            code: 'QUIET_HOURS',
            message: 'outside the contact hours 08:00-21:00 in America/New_York',
            params: { window: '08:00-21:00', zone: 'America/New_York' },
            until: { utc: '2026-03-08T12:00:00.000Z', local: '2026-03-08T08:00:00-04:00' },
          },
        ],
      });
    });

    it('refuses an unknown customer', async () => {
      await expect(
        eligibility.explain({ customerId: '00000000-0000-4000-8000-00000000beef', purpose: 'fraud', channel: 'sms' }),
      ).rejects.toMatchObject({
        status: 404,
      });
    });
  });
});
