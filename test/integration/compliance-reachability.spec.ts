import { DateTime } from 'luxon';
import { ManualClock } from '../../src/common/clock';
import { decideContact } from '../../src/compliance/contact.policy';
import { PolicyInputsLoader } from '../../src/compliance/policy-inputs.loader';
import { Channel, CHANNELS, ContactDecision, Purpose, PURPOSES } from '../../src/compliance/policy.types';
import { REACHABILITY_BUCKETS, ReachabilityBucket, ReachabilityService } from '../../src/compliance/reachability.service';
import { RulePacks } from '../../src/compliance/rule-packs';
import { ZoneTimeline } from '../../src/compliance/zone-timeline';
import { SeededRandom } from '../../src/customers/book/seeded-random';
import { LocalWindow } from '../../src/customers/customer.entity';
import { insertAttempt, insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;
const ZONES = [
  'Asia/Shanghai',
  'Asia/Shanghai',
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Asia/Kolkata',
  'Pacific/Kiritimati',
  'Mars/Phobos',
];
// A weekday noon in Shanghai; National Day evening in Shanghai (morning in New York); a Saturday night UTC.
const INSTANTS = ['2026-03-10T04:00:00Z', '2026-10-02T13:30:00Z', '2026-06-13T23:00:00Z'];
const CUSTOMERS = 240;

/** The bucket the SQL must put a customer in, read off the pure policy's decision. */
function bucketOf(decision: ContactDecision, at: Date, zone: string): ReachabilityBucket {
  const now = decision.reasons.filter((reason) => !reason.deferral).map((reason) => reason.code);
  if (now.includes('NO_ADDRESS')) return 'noAddress';
  if (now.includes('DO_NOT_CONTACT')) return 'blockedByList';
  if (now.includes('OPTED_OUT')) return 'blockedByOptOut';
  if (now.includes('NO_CONSENT')) return 'blockedByConsent';
  if (now.some((code) => code.startsWith('CAP_'))) return 'blockedByCap';
  if (now.includes('MUTED') || now.includes('MARKETING_MUTED')) return 'muted';
  if (decision.allowed) return 'reachableNow';
  const localDate = (instant: Date) => DateTime.fromJSDate(instant, { zone }).toISODate();
  return decision.nextAllowedAt && localDate(decision.nextAllowedAt) === localDate(at) ? 'laterToday' : 'notToday';
}

describe('reachability, set-based in SQL, against the pure policy customer by customer', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date(INSTANTS[0]));

  beforeAll(async () => {
    t = await startTestApp(
      {
        POLICY_OVERRIDES: JSON.stringify({
          cn: { marketingDays: { noWeekend: true, noPublicHoliday: true } },
          us: { marketingDays: { noWeekend: true } },
        }),
      },
      { clock },
    );
    const random = new SeededRandom(5, 0);
    const clockTime = () => `${String(random.int(0, 23)).padStart(2, '0')}:${random.pick(['00', '30', '45'])}`;
    const window = (): LocalWindow =>
      random.chance(0.05)
        ? { start: '9am', end: '17:00' } // malformed: the policy ignores it, and so must the SQL
        : {
            start: clockTime(),
            end: clockTime(),
            ...(random.chance(0.4) ? { days: [1, 2, 3, 4, 5, 6, 7].filter(() => random.chance(0.6)) } : {}),
          };
    const base = Date.parse(INSTANTS[0]);
    for (let i = 0; i < CUSTOMERS; i++) {
      const zone = random.pick(ZONES);
      const us = zone.startsWith('America') ? random.chance(0.9) : random.chance(0.05);
      const id = await insertCustomer(t.db, {
        country: us ? 'US' : random.pick(['CN', 'CN', 'GB', 'HK']),
        timezone: zone,
        phone: random.chance(0.95) ? `+861380000${String(i).padStart(4, '0')}` : null,
        email: random.chance(0.8) ? `Customer${i}@Example.cn` : null,
        contactWindow: random.chance(0.25) ? window() : null,
        inconvenientTimes: random.chance(0.25) ? [window(), ...(random.chance(0.3) ? [window()] : [])] : [],
        muteUntil: random.chance(0.08) ? new Date(base + random.int(-5, 250) * DAY) : null,
        marketingMuteUntil: random.chance(0.08) ? new Date(base + random.int(-5, 250) * DAY) : null,
      });
      for (const channel of CHANNELS) {
        for (const scope of ['all', 'marketing']) {
          const entries = random.int(0, scope === 'all' ? 1 : 2);
          for (let k = 0; k < entries; k++) {
            const state = random.chance(scope === 'all' ? 0.3 : 0.75) ? 'granted' : 'revoked';
            const at = new Date(base - random.int(10, 100) * DAY);
            // Now and then the opposite at the very same instant: the revocation wins the tie.
            for (const entry of random.chance(0.1) ? [state, state === 'granted' ? 'revoked' : 'granted'] : [state]) {
              await t.db.query(
                `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, $2, $3, $4, 'import', $5)`,
                [id, channel, scope, entry, at],
              );
            }
          }
        }
      }
      if (random.chance(0.05))
        await t.db.query(`INSERT INTO do_not_contact (kind, value) VALUES ('phone', $1) ON CONFLICT DO NOTHING`, [
          `+861380000${String(i).padStart(4, '0')}`,
        ]);
      if (random.chance(0.05))
        await t.db.query(`INSERT INTO do_not_contact (kind, value) VALUES ('email', $1) ON CONFLICT DO NOTHING`, [
          `customer${i}@example.cn`,
        ]);
      // Histories around each instant, dense enough to meet every cap.
      const around = Date.parse(random.pick(INSTANTS));
      for (let k = random.int(0, 9); k > 0; k--) {
        await insertAttempt(
          t.db,
          id,
          {
            at: around - random.int(0, random.chance(0.6) ? DAY : 10 * DAY),
            purpose: random.pick<Purpose>(['collections', 'collections', 'marketing', 'service', 'fraud']),
            channel: random.pick<Channel>(['sms', 'call', 'call', 'email']),
            connected: random.chance(0.6),
            conversation: random.chance(0.15),
            subjectRef: random.chance(0.5) ? 'F1' : null,
          },
          random.pick(['delivered', 'completed', 'no_answer', 'failed', 'canceled']),
        );
      }
    }
  }, 120_000);
  afterAll(() => t.close());

  for (const instant of INSTANTS) {
    for (const purpose of PURPOSES) {
      it(`matches the policy for ${purpose} at ${instant}`, async () => {
        const at = new Date(instant);
        clock.set(at);
        const reachability = await t.app.get(ReachabilityService).reachability('c.country <> $1', ['XX'], purpose, at);

        const ids: string[] = (await t.db.query(`SELECT id FROM customers`)).map((row: { id: string }) => row.id);
        const inputs = await t.app.get(PolicyInputsLoader).load(ids, at);
        const packs = t.app.get(RulePacks);
        const expected = Object.fromEntries(
          CHANNELS.map((channel) => [channel, Object.fromEntries(REACHABILITY_BUCKETS.map((bucket) => [bucket, 0]))]),
        ) as Record<Channel, Record<ReachabilityBucket, number>>;
        for (const facts of inputs.values()) {
          const pack = packs.forCountry(facts.customer.country);
          const zone = ZoneTimeline.for(facts.customer.timezone) ? facts.customer.timezone : pack.config.fallbackTimeZone;
          for (const channel of CHANNELS) {
            const decision = decideContact({ ...facts, purpose, channel, at, pack });
            expected[channel][bucketOf(decision, at, zone)]++;
          }
        }
        expect(reachability.total).toBe(CUSTOMERS);
        expect(reachability.channels).toEqual(expected);
      });
    }
  }

  it('exercises every bucket somewhere', async () => {
    const seen = new Set<string>();
    for (const instant of INSTANTS) {
      for (const purpose of PURPOSES) {
        const { channels } = await t.app.get(ReachabilityService).reachability('true', [], purpose, new Date(instant));
        for (const counts of Object.values(channels))
          for (const [bucket, count] of Object.entries(counts)) if (count) seen.add(bucket);
      }
    }
    expect([...seen].sort()).toEqual([...REACHABILITY_BUCKETS].sort());
  });

  it('counts an empty audience as zeros', async () => {
    const empty = await t.app.get(ReachabilityService).reachability('c.country = $1', ['XX'], 'service', new Date(INSTANTS[0]));
    expect(empty.total).toBe(0);
    expect(Object.values(empty.channels.sms).every((n) => n === 0)).toBe(true);
  });
});

/**
 * A cap in local days is read as its limit-th latest contact against the start of the customer's
 * days: the edge must fall where the policy puts it, to the millisecond, in the customer's zone.
 */
describe('reachability at the edge of a cap in local days', () => {
  let t: TestApp;
  // Noon in New York (EDT, since 8 March); seven local days began at midnight on 4 March (EST).
  const at = new Date('2026-03-10T16:00:00Z');
  const firstDay = Date.parse('2026-03-04T05:00:00Z');

  beforeAll(async () => {
    t = await startTestApp({}, { clock: new ManualClock(at) });
  });
  afterAll(() => t.close());

  /** A US customer with seven collection calls in seven local days, the oldest at `oldest`. */
  const callsSince = async (oldest: number): Promise<string> => {
    const id = await insertCustomer(t.db, {
      country: 'US',
      timezone: 'America/New_York',
      contactWindow: null,
      inconvenientTimes: [],
    });
    for (const when of [oldest, ...[1, 2, 3, 4, 5].map((day) => firstDay + day * DAY), firstDay + 5 * DAY + 3_600_000]) {
      await insertAttempt(t.db, id, { at: when, purpose: 'collections', channel: 'call', connected: false, conversation: false });
    }
    return id;
  };

  it('blocks from the first instant of the first day, and not a millisecond before it', async () => {
    const inside = await callsSince(firstDay);
    const outside = await callsSince(firstDay - 1);
    const packs = t.app.get(RulePacks);
    const inputs = await t.app.get(PolicyInputsLoader).load([inside, outside], at);
    const policy = [inside, outside].map((id) => {
      const facts = inputs.get(id)!;
      const decision = decideContact({ ...facts, purpose: 'collections', channel: 'call', at, pack: packs.forCountry('US') });
      return bucketOf(decision, at, 'America/New_York');
    });
    expect(policy).toEqual(['blockedByCap', expect.not.stringMatching(/^blockedByCap$/)]);

    for (const [id, expected] of [
      [inside, policy[0]],
      [outside, policy[1]],
    ]) {
      const { channels } = await t.app.get(ReachabilityService).reachability('c.id = $1', [id], 'collections', at);
      expect(Object.entries(channels.call).filter(([, n]) => n > 0)).toEqual([[expected, 1]]);
    }
  });
});
