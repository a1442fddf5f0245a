import { given, pack } from '../../test/support/policy.builders';
import { decideContact } from './contact.policy';
import { Channel, ContactDecision, Purpose, ReasonCode } from './policy.types';
import { RulePack } from './rule-pack';

const shanghai = given.customer();
const newYork = given.customer({ country: 'US', timezone: 'America/New_York', phone: '+12125550123' });
const london = given.customer({ country: 'GB', timezone: 'Europe/London', phone: '+447700900123' });
const us = pack('us');
const cn = pack('cn');

const codes = (d: ContactDecision) => d.reasons.map((r) => r.code);
const next = (d: ContactDecision) => d.nextAllowedAt?.toISOString();

type Row = [string, Purpose, Channel, string, typeof shanghai, RulePack, string | null];

describe('decideContact', () => {
  describe('contact hours in the customer’s zone, both packs, across DST', () => {
    // [what, purpose, channel, at, customer, pack, next allowed (null = allowed now)]
    const rows: Row[] = [
      ['cn collections at 21:30 Shanghai', 'collections', 'call', '2026-03-10T13:30:00Z', shanghai, cn, null],
      [
        'cn collections at 22:00 Shanghai',
        'collections',
        'call',
        '2026-03-10T14:00:00Z',
        shanghai,
        cn,
        '2026-03-11T00:00:00.000Z',
      ],
      [
        'cn collections SMS at 07:59 Shanghai',
        'collections',
        'sms',
        '2026-03-10T23:59:00Z',
        shanghai,
        cn,
        '2026-03-11T00:00:00.000Z',
      ],
      [
        'cn collections e-mail at 22:30 Shanghai',
        'collections',
        'email',
        '2026-03-10T14:30:00Z',
        shanghai,
        cn,
        '2026-03-11T00:00:00.000Z',
      ],
      [
        'cn marketing SMS at 21:00 Shanghai',
        'marketing',
        'sms',
        '2026-03-10T13:00:00Z',
        shanghai,
        cn,
        '2026-03-11T00:00:00.000Z',
      ],
      ['cn marketing e-mail at 03:00 Shanghai: any hour', 'marketing', 'email', '2026-03-10T19:00:00Z', shanghai, cn, null],
      [
        'cn service e-mail at 21:00 Shanghai',
        'service',
        'email',
        '2026-03-10T13:00:00Z',
        shanghai,
        cn,
        '2026-03-11T00:00:00.000Z',
      ],
      ['cn fraud SMS at 03:00 Shanghai: any hour', 'fraud', 'sms', '2026-03-10T19:00:00Z', shanghai, cn, null],
      ['cn fraud call at 06:59 Shanghai', 'fraud', 'call', '2026-03-10T22:59:00Z', shanghai, cn, '2026-03-10T23:00:00.000Z'],
      ['cn fraud call at 23:00 Shanghai', 'fraud', 'call', '2026-03-10T15:00:00Z', shanghai, cn, '2026-03-10T23:00:00.000Z'],
      [
        'us collections at 21:00 EST, eve of spring-forward',
        'collections',
        'call',
        '2026-03-08T02:00:00Z',
        newYork,
        us,
        '2026-03-08T12:00:00.000Z',
      ],
      ['us collections at 20:59 EST, eve of spring-forward', 'collections', 'call', '2026-03-08T01:59:00Z', newYork, us, null],
      [
        'us collections at 01:30 EST on spring-forward: 08:00 EDT',
        'collections',
        'call',
        '2026-03-08T06:30:00Z',
        newYork,
        us,
        '2026-03-08T12:00:00.000Z',
      ],
      [
        'us collections at 03:30 EDT on spring-forward',
        'collections',
        'sms',
        '2026-03-08T07:30:00Z',
        newYork,
        us,
        '2026-03-08T12:00:00.000Z',
      ],
      ['us collections at 08:00 EDT on spring-forward', 'collections', 'call', '2026-03-08T12:00:00Z', newYork, us, null],
      [
        'us collections at 01:30 EDT on fall-back (first pass): 08:00 EST',
        'collections',
        'call',
        '2026-11-01T05:30:00Z',
        newYork,
        us,
        '2026-11-01T13:00:00.000Z',
      ],
      [
        'us collections at 01:30 EST on fall-back (second pass)',
        'collections',
        'call',
        '2026-11-01T06:30:00Z',
        newYork,
        us,
        '2026-11-01T13:00:00.000Z',
      ],
      [
        'us collections at 07:59 EST on fall-back',
        'collections',
        'call',
        '2026-11-01T12:59:00Z',
        newYork,
        us,
        '2026-11-01T13:00:00.000Z',
      ],
      [
        'us collections at 21:00 EST on fall-back evening',
        'collections',
        'call',
        '2026-11-02T02:00:00Z',
        newYork,
        us,
        '2026-11-02T13:00:00.000Z',
      ],
      [
        'us collections at 21:30 Shanghai: us stops at 21:00',
        'collections',
        'call',
        '2026-03-10T13:30:00Z',
        shanghai,
        us,
        '2026-03-11T00:00:00.000Z',
      ],
      [
        'cn collections in London 22:30 GMT before spring-forward: 08:00 BST',
        'collections',
        'call',
        '2026-03-28T22:30:00Z',
        london,
        cn,
        '2026-03-29T07:00:00.000Z',
      ],
      [
        'cn collections in London 00:30 GMT on spring-forward',
        'collections',
        'call',
        '2026-03-29T00:30:00Z',
        london,
        cn,
        '2026-03-29T07:00:00.000Z',
      ],
      ['cn collections in London 21:59 BST on spring-forward', 'collections', 'call', '2026-03-29T20:59:00Z', london, cn, null],
      [
        'cn collections in London 22:00 BST on spring-forward',
        'collections',
        'call',
        '2026-03-29T21:00:00Z',
        london,
        cn,
        '2026-03-30T07:00:00.000Z',
      ],
      [
        'cn collections in London 22:30 BST before fall-back: 08:00 GMT',
        'collections',
        'call',
        '2026-10-24T21:30:00Z',
        london,
        cn,
        '2026-10-25T08:00:00.000Z',
      ],
      [
        'cn collections in London 01:30 GMT on fall-back (second pass)',
        'collections',
        'call',
        '2026-10-25T01:30:00Z',
        london,
        cn,
        '2026-10-25T08:00:00.000Z',
      ],
      [
        'cn collections in London 07:59 GMT on fall-back',
        'collections',
        'call',
        '2026-10-25T07:59:00Z',
        london,
        cn,
        '2026-10-25T08:00:00.000Z',
      ],
    ];

    it.each(rows)('%s', (_, purpose, channel, at, customer, rulePack, expected) => {
      const decision = decideContact(given.input(purpose, channel, at, { customer, pack: rulePack }));
      if (expected === null) {
        expect(decision).toEqual({ allowed: true, reasons: [] });
      } else {
        expect(decision.allowed).toBe(false);
        expect(next(decision)).toBe(expected);
        expect(decision.reasons).toEqual([
          { code: 'QUIET_HOURS', params: expect.objectContaining({ zone: customer.timezone }), until: new Date(expected) },
        ]);
      }
    });

    it('names the window and zone it applied', () => {
      const decision = decideContact(given.input('collections', 'call', '2026-03-08T06:30:00Z', { customer: newYork, pack: us }));
      expect(decision.reasons[0].params).toEqual({ window: '08:00-21:00', zone: 'America/New_York' });
    });

    it('calls a critical fraud case at any hour', () => {
      const input = given.input('fraud', 'call', '2026-03-10T19:00:00Z', { context: { fraudCritical: true } });
      expect(decideContact(input).allowed).toBe(true);
    });

    it('reads an unknown zone as the pack’s fallback zone', () => {
      const customer = given.customer({ country: 'US', timezone: 'Mars/Olympus_Mons' });
      const decision = decideContact(given.input('collections', 'call', '2026-03-10T02:30:00Z', { customer, pack: us }));
      expect(decision.reasons[0].params.zone).toBe('America/New_York');
      expect(next(decision)).toBe('2026-03-10T12:00:00.000Z');
    });
  });

  describe('the customer’s own times', () => {
    it('keeps to a preferred window inside the contact hours', () => {
      const customer = given.customer({ contactWindow: { start: '18:00', end: '20:00' } });
      const decision = decideContact(given.input('collections', 'call', '2026-03-10T02:00:00Z', { customer }));
      expect(codes(decision)).toEqual(['OUTSIDE_PREFERRED_WINDOW']);
      expect(decision.reasons[0].params).toEqual({ window: '18:00-20:00', zone: 'Asia/Shanghai' });
      expect(next(decision)).toBe('2026-03-10T10:00:00.000Z');
    });

    it('never widens the contact hours with a preferred window', () => {
      const customer = given.customer({ contactWindow: { start: '20:00', end: '23:30' } });
      const decision = decideContact(given.input('marketing', 'sms', '2026-03-10T13:30:00Z', { customer }));
      // 21:30: inside the customer's window, outside marketing hours; tomorrow 20:00 is the first instant in both.
      expect(codes(decision)).toEqual(['QUIET_HOURS', 'OUTSIDE_PREFERRED_WINDOW']);
      expect(decision.reasons[1].deferral).toBe(true);
      expect(next(decision)).toBe('2026-03-11T12:00:00.000Z');
    });

    it('keeps to weekdays named on the preferred window', () => {
      const customer = given.customer({ contactWindow: { start: '18:00', end: '20:00', days: [1, 2, 3, 4, 5] } });
      // Friday 2026-03-13 20:30 Shanghai → Monday 18:00.
      const decision = decideContact(given.input('service', 'sms', '2026-03-13T12:30:00Z', { customer }));
      expect(next(decision)).toBe('2026-03-16T10:00:00.000Z');
    });

    it('starts a preferred window that begins in the spring-forward gap at the transition', () => {
      const customer = { ...newYork, contactWindow: { start: '02:30', end: '05:00' } };
      // Marketing e-mail has no contact hours, so only the customer's window speaks: 02:30 does not
      // exist on 2026-03-08; 03:00 EDT (07:00Z) is the first instant at or after it.
      const decision = decideContact(given.input('marketing', 'email', '2026-03-08T06:00:00Z', { customer, pack: us }));
      expect(next(decision)).toBe('2026-03-08T07:00:00.000Z');
    });

    it('holds both passes of a repeated hour named inconvenient', () => {
      const customer = { ...newYork, inconvenientTimes: [{ start: '01:00', end: '02:00' }] };
      const decision = decideContact(given.input('marketing', 'email', '2026-11-01T05:15:00Z', { customer, pack: us }));
      expect(codes(decision)).toEqual(['INCONVENIENT_TIME']);
      expect(decision.reasons[0].params).toEqual({ window: '01:00-02:00', zone: 'America/New_York' });
      expect(next(decision)).toBe('2026-11-01T07:00:00.000Z');
    });

    it('holds an inconvenient hour on the London fall-back day through both passes', () => {
      const customer = { ...london, inconvenientTimes: [{ start: '01:00', end: '02:00' }] };
      const decision = decideContact(given.input('marketing', 'email', '2026-10-25T00:15:00Z', { customer }));
      expect(next(decision)).toBe('2026-10-25T02:00:00.000Z');
    });

    it('names the inconvenient window that applies, on its weekdays only', () => {
      const customer = given.customer({
        inconvenientTimes: [
          { start: '12:00', end: '14:00', days: [1, 2, 3, 4, 5] },
          { start: '08:00', end: '10:00', days: [6, 7] },
        ],
      });
      const weekday = decideContact(given.input('collections', 'sms', '2026-03-10T04:30:00Z', { customer }));
      expect(weekday.reasons[0].params.window).toBe('12:00-14:00 on 1,2,3,4,5');
      expect(next(weekday)).toBe('2026-03-10T06:00:00.000Z');
      const saturdayNoon = decideContact(given.input('collections', 'sms', '2026-03-14T04:30:00Z', { customer }));
      expect(saturdayNoon.allowed).toBe(true);
    });

    it('mutes everything but fraud alerts until the date given', () => {
      const customer = given.customer({ muteUntil: new Date('2026-03-12T05:00:00Z') });
      const collections = decideContact(given.input('collections', 'sms', '2026-03-10T04:00:00Z', { customer }));
      expect(codes(collections)).toEqual(['MUTED']);
      expect(next(collections)).toBe('2026-03-12T05:00:00.000Z');
      expect(decideContact(given.input('fraud', 'sms', '2026-03-10T04:00:00Z', { customer })).allowed).toBe(true);
    });

    it('defers a mute that ends at night to the morning', () => {
      const customer = given.customer({ muteUntil: new Date('2026-03-12T15:00:00Z') }); // 23:00 Shanghai
      const decision = decideContact(given.input('service', 'sms', '2026-03-10T04:00:00Z', { customer }));
      expect(codes(decision)).toEqual(['MUTED', 'QUIET_HOURS']);
      expect(next(decision)).toBe('2026-03-13T00:00:00.000Z');
    });

    it('mutes marketing only with a marketing mute', () => {
      const customer = given.customer({ marketingMuteUntil: new Date('2026-04-01T00:00:00Z') });
      expect(codes(decideContact(given.input('marketing', 'sms', '2026-03-10T04:00:00Z', { customer })))).toEqual([
        'MARKETING_MUTED',
      ]);
      expect(decideContact(given.input('collections', 'sms', '2026-03-10T04:00:00Z', { customer })).allowed).toBe(true);
    });
  });

  describe('consent, opt-outs and the list', () => {
    const at = '2026-03-10T04:00:00Z'; // 12:00 Shanghai

    it.each<[string, Purpose, Channel, Parameters<typeof given.consent>[0], ReasonCode | null]>([
      ['marketing without consent', 'marketing', 'sms', { marketing: false }, 'NO_CONSENT'],
      [
        'marketing with consent on another channel only',
        'marketing',
        'sms',
        { overrides: { sms: { all: null, marketing: null } }, marketing: true },
        'NO_CONSENT',
      ],
      ['service without any consent', 'service', 'sms', { marketing: false }, null],
      ['collections without any consent', 'collections', 'call', { marketing: false }, null],
      [
        'marketing after TD',
        'marketing',
        'sms',
        { overrides: { sms: { all: null, marketing: given.mark('revoked') } } },
        'OPTED_OUT',
      ],
      ['service after TD', 'service', 'sms', { overrides: { sms: { all: null, marketing: given.mark('revoked') } } }, null],
      [
        'collections after STOP',
        'collections',
        'sms',
        { overrides: { sms: { all: given.mark('revoked'), marketing: null } } },
        'OPTED_OUT',
      ],
      [
        'fraud alert after STOP',
        'fraud',
        'sms',
        { overrides: { sms: { all: given.mark('revoked'), marketing: null } } },
        'OPTED_OUT',
      ],
      [
        'a call after STOP on SMS',
        'collections',
        'call',
        { overrides: { sms: { all: given.mark('revoked'), marketing: null } } },
        null,
      ],
      [
        'collections after START',
        'collections',
        'sms',
        { overrides: { sms: { all: given.mark('granted'), marketing: null } } },
        null,
      ],
      [
        'collections call to a listed phone',
        'collections',
        'call',
        { overrides: { doNotContact: { phone: true, email: false } } },
        'DO_NOT_CONTACT',
      ],
      [
        'marketing e-mail to a listed address',
        'marketing',
        'email',
        { marketing: true, overrides: { doNotContact: { phone: false, email: true } } },
        'DO_NOT_CONTACT',
      ],
      [
        'e-mail when only the phone is listed',
        'service',
        'email',
        { overrides: { doNotContact: { phone: true, email: false } } },
        null,
      ],
      ['fraud call to a listed phone', 'fraud', 'call', { overrides: { doNotContact: { phone: true, email: false } } }, null],
    ])('%s', (_, purpose, channel, consent, expected) => {
      const decision = decideContact(given.input(purpose, channel, at, { consent: given.consent(consent) }));
      if (expected === null) return expect(decision.allowed).toBe(true);
      expect(decision).toEqual({
        allowed: false,
        final: true,
        reasons: [expect.objectContaining({ code: expected, final: true })],
      });
    });

    it('says which scope was revoked, when and how', () => {
      const consent = given.consent({
        overrides: { sms: { all: given.mark('revoked', '2026-02-01T08:00:00Z', 'sms_keyword'), marketing: null } },
      });
      const decision = decideContact(given.input('service', 'sms', at, { consent }));
      expect(decision.reasons[0].params).toEqual({
        channel: 'sms',
        scope: 'all',
        since: '2026-02-01T08:00:00.000Z',
        source: 'sms_keyword',
      });
    });

    it('refuses a channel without an address', () => {
      const customer = given.customer({ email: null });
      expect(codes(decideContact(given.input('service', 'email', at, { customer })))).toEqual(['NO_ADDRESS']);
    });

    it('lists every rule in the way, timed ones included, and stays final', () => {
      const decision = decideContact(given.input('marketing', 'sms', '2026-03-10T15:00:00Z', { consent: given.consent() }));
      expect(codes(decision)).toEqual(['NO_CONSENT', 'QUIET_HOURS']);
      expect(decision.final).toBe(true);
      expect(decision.nextAllowedAt).toBeUndefined();
    });
  });

  describe('frequency caps', () => {
    it('caps everything at 5 a local day and waits for the next local day (23-hour day in New York)', () => {
      const contacts = ['13:00', '14:00', '15:00', '16:00', '17:00'].map((hm) =>
        given.contact(`2026-03-08T${hm}:00Z`, { purpose: 'service', channel: 'sms' }),
      );
      const decision = decideContact(
        given.input('collections', 'sms', '2026-03-08T20:00:00Z', { customer: newYork, pack: us, contacts }),
      );
      expect(codes(decision)).toEqual(['CAP_DAILY_TOTAL', 'QUIET_HOURS']);
      expect(decision.reasons[0]).toMatchObject({
        params: { limit: 5, windowLocalDays: 1, counted: 5 },
        until: new Date('2026-03-09T04:00:00Z'),
      });
      expect(decision.reasons[1].deferral).toBe(true);
      expect(next(decision)).toBe('2026-03-09T12:00:00.000Z');
    });

    it('counts the day in the customer’s zone, not the server’s', () => {
      // 16:30–20:30 UTC on the 9th is the small hours of the 10th in Shanghai: they count on the 10th.
      const contacts = [16, 17, 18, 19, 20].map((h) =>
        given.contact(`2026-03-09T${h}:30:00Z`, { purpose: 'fraud', channel: 'sms' }),
      );
      const decision = decideContact(given.input('collections', 'sms', '2026-03-10T02:00:00Z', { contacts }));
      expect(decision.reasons[0]).toMatchObject({ code: 'CAP_DAILY_TOTAL', until: new Date('2026-03-10T16:00:00Z') });
      expect(next(decision)).toBe('2026-03-11T00:00:00.000Z');
    });

    it('lets fraud alerts through a full day (they count toward it)', () => {
      const contacts = [1, 2, 3, 4, 5].map((h) => given.contact(`2026-03-10T0${h}:00:00Z`, { channel: 'sms' }));
      expect(decideContact(given.input('fraud', 'sms', '2026-03-10T06:00:00Z', { contacts })).allowed).toBe(true);
    });

    it('cn: 3 connected collection calls a day; unanswered ones do not count', () => {
      const answered = (h: number) => given.contact(`2026-03-10T0${h}:00:00Z`, { connected: true });
      const twoAnswered = [answered(1), answered(2), given.contact('2026-03-10T03:00:00Z')];
      expect(decideContact(given.input('collections', 'call', '2026-03-10T06:00:00Z', { contacts: twoAnswered })).allowed).toBe(
        true,
      );
      const decision = decideContact(
        given.input('collections', 'call', '2026-03-10T06:00:00Z', { contacts: [answered(1), answered(2), answered(3)] }),
      );
      expect(codes(decision)).toEqual(['CAP_CN_CONNECTED_CALLS_DAY', 'QUIET_HOURS']);
      expect(decision.reasons[0].until).toEqual(new Date('2026-03-10T16:00:00Z'));
      expect(next(decision)).toBe('2026-03-11T00:00:00.000Z');
      // The SMS channel is not capped by it.
      expect(
        decideContact(
          given.input('collections', 'sms', '2026-03-10T06:00:00Z', { contacts: [answered(1), answered(2), answered(3)] }),
        ).allowed,
      ).toBe(true);
    });

    it('us: 7 collection calls in 7 consecutive local days, the 8th day free', () => {
      const calls = [2, 3, 4, 5, 6, 7, 8].map((d) => given.contact(`2026-03-0${d}T15:00:00Z`));
      const decision = decideContact(
        given.input('collections', 'call', '2026-03-08T18:00:00Z', { customer: newYork, pack: us, contacts: calls }),
      );
      expect(codes(decision)).toEqual(['CAP_US_CALLS_7D', 'QUIET_HOURS']);
      expect(decision.reasons[0].until).toEqual(new Date('2026-03-09T04:00:00Z')); // midnight EDT
      expect(next(decision)).toBe('2026-03-09T12:00:00.000Z');
      expect(
        decideContact(
          given.input('collections', 'call', '2026-03-08T18:00:00Z', { customer: newYork, pack: us, contacts: calls.slice(1) }),
        ).allowed,
      ).toBe(true);
      // The cn pack has no such cap.
      expect(decideContact(given.input('collections', 'call', '2026-03-09T02:00:00Z', { contacts: calls })).allowed).toBe(true);
    });

    it('us: no collection call for 7 days after a conversation, its day being day 1', () => {
      const talk = given.contact('2026-03-01T20:00:00Z', { connected: true, conversation: true }); // 15:00 EST on the 1st
      const decision = decideContact(
        given.input('collections', 'call', '2026-03-05T15:00:00Z', { customer: newYork, pack: us, contacts: [talk] }),
      );
      expect(codes(decision)).toEqual(['CAP_US_CONVERSATION_LOCKOUT', 'QUIET_HOURS']);
      expect(decision.reasons[0].until).toEqual(new Date('2026-03-08T05:00:00Z')); // 00:00 EST on the 8th
      expect(next(decision)).toBe('2026-03-08T12:00:00.000Z'); // 08:00 EDT
      expect(
        decideContact(
          given.input('collections', 'sms', '2026-03-05T15:00:00Z', { customer: newYork, pack: us, contacts: [talk] }),
        ).allowed,
      ).toBe(true);
    });

    it.each<[string, Channel, string[], string | null]>([
      ['2 marketing SMS in 7 days', 'sms', ['2026-03-04T02:00:00Z', '2026-03-09T02:00:00Z'], '2026-03-11T02:00:00.000Z'],
      ['1 marketing SMS in 7 days', 'sms', ['2026-03-09T02:00:00Z'], null],
      ['2 marketing SMS, one 7 days ago', 'sms', ['2026-03-03T04:00:00Z', '2026-03-09T02:00:00Z'], null],
      [
        '4 marketing e-mails in 7 days',
        'email',
        ['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07'].map((d) => `${d}T03:00:00Z`),
        '2026-03-11T03:00:00.000Z',
      ],
      ['1 marketing call in 30 days', 'call', ['2026-02-20T03:00:00Z'], '2026-03-22T03:00:00.000Z'],
    ])('marketing: %s', (_, channel, times, expected) => {
      const contacts = times.map((t) => given.contact(t, { purpose: 'marketing', channel }));
      const decision = decideContact(given.input('marketing', channel, '2026-03-10T04:00:00Z', { contacts }));
      expect(next(decision) ?? null).toBe(expected);
      if (expected) expect(codes(decision)[0]).toMatch(/^CAP_MARKETING_/);
    });

    it('fraud: 3 messages per event over 3 days, other events not counted', () => {
      const alert = (at: string, subjectRef: string, channel: Channel = 'sms') =>
        given.contact(at, { purpose: 'fraud', channel, subjectRef });
      const contacts = [
        alert('2026-03-09T01:00:00Z', 'F1'),
        alert('2026-03-09T01:10:00Z', 'F1', 'call'),
        alert('2026-03-10T01:00:00Z', 'F1'),
        alert('2026-03-10T01:00:00Z', 'F2'),
      ];
      const decision = decideContact(
        given.input('fraud', 'sms', '2026-03-10T02:00:00Z', { contacts, context: { fraudEventRef: 'F1' } }),
      );
      expect(codes(decision)).toEqual(['CAP_FRAUD_PER_EVENT']);
      expect(next(decision)).toBe('2026-03-12T01:00:00.000Z');
      expect(
        decideContact(given.input('fraud', 'sms', '2026-03-10T02:00:00Z', { contacts, context: { fraudEventRef: 'F2' } }))
          .allowed,
      ).toBe(true);
    });
  });

  describe('marketing days', () => {
    const strict = pack('cn', (p) => {
      p.marketingDays.noWeekend = true;
      p.marketingDays.noPublicHoliday = true;
    });

    it('keeps promotions off a weekend until Monday morning', () => {
      const decision = decideContact(given.input('marketing', 'sms', '2026-03-07T02:00:00Z', { pack: strict })); // Saturday 10:00
      expect(codes(decision)).toEqual(['WEEKEND', 'QUIET_HOURS']);
      expect(decision.reasons[0]).toMatchObject({
        params: { date: '2026-03-07', calendar: 'cn-mainland' },
        until: new Date('2026-03-08T16:00:00Z'),
      });
      expect(next(decision)).toBe('2026-03-09T00:00:00.000Z');
    });

    it('works a swapped working Saturday', () => {
      expect(decideContact(given.input('marketing', 'sms', '2026-02-14T02:00:00Z', { pack: strict })).allowed).toBe(true);
    });

    it('keeps promotions off National Day week, named', () => {
      const decision = decideContact(given.input('marketing', 'email', '2026-10-01T02:00:00Z', { pack: strict }));
      expect(decision.reasons[0]).toMatchObject({
        code: 'PUBLIC_HOLIDAY',
        params: { date: '2026-10-01', holiday: 'National Day' },
      });
      expect(next(decision)).toBe('2026-10-07T16:00:00.000Z'); // e-mail has no contact hours: midnight on the 8th
    });

    it('leaves holidays alone when only weekends are off, and other purposes always', () => {
      const weekendsOnly = pack('cn', (p) => (p.marketingDays.noWeekend = true));
      expect(decideContact(given.input('marketing', 'sms', '2026-10-01T02:00:00Z', { pack: weekendsOnly })).allowed).toBe(true);
      expect(decideContact(given.input('collections', 'sms', '2026-10-01T02:00:00Z', { pack: strict })).allowed).toBe(true);
    });

    it('uses plain weekends in the us pack', () => {
      const usStrict = pack('us', (p) => (p.marketingDays.noWeekend = true));
      const decision = decideContact(
        given.input('marketing', 'sms', '2026-03-07T15:00:00Z', { customer: newYork, pack: usStrict }),
      );
      expect(codes(decision)).toEqual(['WEEKEND', 'QUIET_HOURS']);
      expect(next(decision)).toBe('2026-03-09T12:00:00.000Z');
    });
  });

  describe('campaign end and impossible combinations', () => {
    it('expires a task whose next allowed instant is past the campaign’s end', () => {
      const decision = decideContact(
        given.input('collections', 'call', '2026-03-10T14:30:00Z', {
          context: { campaignEndsAt: new Date('2026-03-10T23:00:00Z') },
        }),
      );
      expect(decision).toMatchObject({ allowed: false, final: true });
      expect(decision.nextAllowedAt).toBeUndefined();
      expect(decision.reasons.at(-1)).toEqual({
        code: 'EXPIRED',
        params: { campaignEndsAt: '2026-03-10T23:00:00.000Z', nextAllowedAt: '2026-03-11T00:00:00.000Z' },
        final: true,
      });
    });

    it('defers within a campaign that is still running then', () => {
      const decision = decideContact(
        given.input('collections', 'call', '2026-03-10T14:30:00Z', {
          context: { campaignEndsAt: new Date('2026-03-11T00:00:01Z') },
        }),
      );
      expect(next(decision)).toBe('2026-03-11T00:00:00.000Z');
    });

    it('expires an allowed contact after the campaign ended', () => {
      const decision = decideContact(
        given.input('service', 'sms', '2026-03-10T04:00:00Z', { context: { campaignEndsAt: new Date('2026-03-10T00:00:00Z') } }),
      );
      expect(codes(decision)).toEqual(['EXPIRED']);
    });

    it('says no instant will do when the customer’s Sundays meet a no-weekend pack', () => {
      const customer = given.customer({ contactWindow: { start: '10:00', end: '12:00', days: [7] } });
      // Plain weeks: in the cn calendar a Sunday holiday or a worked Sunday would do.
      const strict = pack('us', (p) => (p.marketingDays.noWeekend = true));
      const decision = decideContact(given.input('marketing', 'sms', '2026-03-10T04:00:00Z', { customer, pack: strict }));
      expect(decision).toMatchObject({ allowed: false, final: true });
      expect(codes(decision)).toEqual(['OUTSIDE_PREFERRED_WINDOW', 'WEEKEND', 'QUIET_HOURS', 'NO_ALLOWED_TIME']);
    });
  });
});
