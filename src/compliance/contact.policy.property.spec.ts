import fc from 'fast-check';
import { given, pack } from '../../test/support/policy.builders';
import { decideContact, DecideContactInput } from './contact.policy';
import { CHANNELS, ConsentMark, ContactRecord, PURPOSES } from './policy.types';
import { PACK_NAMES } from './rule-pack';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Minute-by-minute sampling reaches this far past the asked instant. */
const SAMPLED = 4 * DAY;

const ZONES = [
  'America/New_York',
  'Europe/London',
  'Asia/Shanghai',
  'Australia/Lord_Howe', // a 30-minute DST shift
  'America/Santiago', // DST changes at midnight
  'Asia/Kolkata',
];
// Instants around the change days the issue names, and anywhere in 2026.
const AROUND = [
  '2026-03-08T00:00:00Z',
  '2026-11-01T00:00:00Z',
  '2026-03-29T00:00:00Z',
  '2026-10-25T00:00:00Z',
  '2026-10-01T00:00:00Z',
];
const instant = fc.oneof(
  fc
    .tuple(fc.constantFrom(...AROUND.map(Date.parse)), fc.integer({ min: -2 * DAY, max: 2 * DAY }))
    .map(([base, delta]) => base + delta),
  fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
);
const clock = fc
  .integer({ min: 0, max: 47 })
  .map((half) => `${String(Math.floor(half / 2)).padStart(2, '0')}:${half % 2 ? '30' : '00'}`);
const localWindow = fc.record(
  { start: clock, end: clock, days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }) },
  { requiredKeys: ['start', 'end'] },
);
const mark = (state: ConsentMark['state']): ConsentMark => ({ state, at: new Date('2026-01-01T00:00:00Z'), source: 'api' });
const consentMark = fc.constantFrom<ConsentMark | null>(...Array(8).fill(mark('granted')), null, mark('revoked'));
const daytime = fc
  .integer({ min: 12, max: 44 })
  .map((half) => `${String(Math.floor(half / 2)).padStart(2, '0')}:${half % 2 ? '30' : '00'}`);
const preferredWindow = fc.oneof(
  { weight: 3, arbitrary: fc.record({ start: daytime, end: daytime }) },
  { weight: 1, arbitrary: localWindow },
);
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

const inputs = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    at: instant,
    purpose: fc.constantFrom(...PURPOSES),
    channel: fc.constantFrom(...CHANNELS),
    packName: fc.constantFrom(...PACK_NAMES),
    noWeekend: fc.boolean(),
    noPublicHoliday: fc.boolean(),
    contactWindow: sometimes(preferredWindow),
    inconvenientTimes: fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(localWindow, { maxLength: 2 }) },
    ),
    muteIn: sometimes(fc.integer({ min: -DAY, max: 3 * DAY })),
    marketingMuteIn: sometimes(fc.integer({ min: -DAY, max: 3 * DAY })),
    marketing: consentMark,
    all: fc.constantFrom<ConsentMark | null>(...Array(12).fill(null), mark('granted'), mark('revoked')),
    listed: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    contacts: fc.array(
      fc.record({
        ago: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: DAY }) }, fc.integer({ min: 0, max: 9 * DAY })),
        purpose: fc.constantFrom(...PURPOSES),
        channel: fc.constantFrom(...CHANNELS),
        connected: fc.boolean(),
        conversation: fc.boolean(),
        subjectRef: fc.constantFrom('F1', 'F2', null),
      }),
      { maxLength: 16 },
    ),
    fraudCritical: fc.boolean(),
    campaignDays: sometimes(fc.integer({ min: 0, max: 5 })),
  })
  .map((g): DecideContactInput => {
    const contacts: ContactRecord[] = g.contacts
      .map(({ ago, ...rest }) => ({ ...rest, at: g.at - ago }))
      .sort((a, b) => a.at - b.at);
    return {
      ...given.input(g.purpose, g.channel, new Date(g.at).toISOString()),
      customer: given.customer({
        timezone: g.zone,
        contactWindow: g.contactWindow,
        inconvenientTimes: g.inconvenientTimes,
        muteUntil: g.muteIn === null ? null : new Date(g.at + g.muteIn),
        marketingMuteUntil: g.marketingMuteIn === null ? null : new Date(g.at + g.marketingMuteIn),
      }),
      history: { since: g.at - 40 * DAY, contacts },
      consent: {
        ...given.consent(),
        [g.channel]: { all: g.all, marketing: g.marketing },
        doNotContact: { phone: g.listed, email: g.listed },
      },
      pack: strictness(g.packName, g.noWeekend, g.noPublicHoliday),
      context: {
        fraudEventRef: 'F1',
        fraudCritical: g.fraudCritical,
        campaignEndsAt: g.campaignDays === null ? undefined : new Date(g.at + g.campaignDays * DAY),
      },
    };
  });

const packs = new Map<string, ReturnType<typeof pack>>();
function strictness(name: (typeof PACK_NAMES)[number], noWeekend: boolean, noPublicHoliday: boolean) {
  const key = `${name}/${noWeekend}/${noPublicHoliday}`;
  if (!packs.has(key))
    packs.set(
      key,
      pack(name, (p) => Object.assign(p.marketingDays, { noWeekend, noPublicHoliday })),
    );
  return packs.get(key)!;
}

const at = (input: DecideContactInput, ms: number): DecideContactInput => ({ ...input, at: new Date(ms) });
const withoutEnd = (input: DecideContactInput): DecideContactInput => ({
  ...input,
  context: { ...input.context, campaignEndsAt: undefined },
});

describe('decideContact, for any customer, history and instant', () => {
  it('allows the instant it defers to', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const decision = decideContact(input);
        if (!decision.nextAllowedAt) return;
        expect(decideContact(at(input, decision.nextAllowedAt.getTime()))).toEqual({ allowed: true, reasons: [] });
      }),
      { numRuns: 1500 },
    );
  });

  it('allows no instant before the one it defers to (sampled minute by minute, and the millisecond before)', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const open = withoutEnd(input);
        const decision = decideContact(open);
        if (decision.allowed || !decision.nextAllowedAt) return;
        const next = decision.nextAllowedAt.getTime();
        const from = input.at.getTime();
        const earlier: string[] = [];
        for (let t = from + MINUTE; t < Math.min(next, from + SAMPLED); t += MINUTE) {
          if (decideContact(at(open, t)).allowed) earlier.push(new Date(t).toISOString());
        }
        if (decideContact(at(open, next - 1)).allowed) earlier.push(new Date(next - 1).toISOString());
        expect(earlier).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('never defers past a rule it named without that rule allowing, nor before a rule’s own next instant', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const decision = decideContact(withoutEnd(input));
        if (!decision.nextAllowedAt) return;
        for (const reason of decision.reasons) {
          expect(reason.final).toBeUndefined();
          expect(reason.until!.getTime()).toBeLessThanOrEqual(decision.nextAllowedAt.getTime());
        }
        const then = decideContact(at(withoutEnd(input), decision.nextAllowedAt.getTime()));
        expect(then.reasons.filter((r) => decision.reasons.some((named) => named.code === r.code))).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });

  it('is allowed exactly when it names no reason, and final exactly when it gives no next instant', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const decision = decideContact(input);
        expect(decision.allowed).toBe(decision.reasons.length === 0);
        if (!decision.allowed) expect(Boolean(decision.final)).toBe(decision.nextAllowedAt === undefined);
        if (decision.final) expect(decision.reasons.some((r) => r.final)).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps a final refusal final however long one waits — unless it was only the campaign’s end', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 1, max: 60 * DAY }), (input, wait) => {
        const decision = decideContact(input);
        if (!decision.final || decision.reasons.some((r) => r.code === 'EXPIRED' || r.code === 'NO_ALLOWED_TIME')) return;
        expect(decideContact(at(input, input.at.getTime() + wait)).allowed).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('expires exactly when the next allowed instant is not before the campaign’s end', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const endsAt = input.context?.campaignEndsAt;
        if (!endsAt) return;
        const open = decideContact(withoutEnd(input));
        const expired = decideContact(input).reasons.some((r) => r.code === 'EXPIRED');
        const due = open.allowed ? input.at : open.nextAllowedAt;
        expect(expired).toBe(due !== undefined && due.getTime() >= endsAt.getTime());
      }),
      { numRuns: 1000 },
    );
  });
});
