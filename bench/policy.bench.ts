/**
 * `npm run bench:policy` — decisions per second of the contact policy on one core, for a
 * realistic mix of customers (CN and US zones, preferences, consent, opt-outs, histories of up
 * to a month) and instants spread over a year, DST days included. Beside it, a naive check that
 * builds luxon DateTimes in every rule and only answers "allowed now?". Last line: JSON.
 */
import { DateTime } from 'luxon';
import { decideContact, DecideContactInput } from '../src/compliance/contact.policy';
import { Channel, ConsentMark, ContactRecord, CustomerSnapshot, Purpose } from '../src/compliance/policy.types';
import { DEFAULT_PACKS, PackName, RulePack } from '../src/compliance/rule-pack';

const INPUTS = 50_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20260308);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const chance = (p: number) => random() < p;
const weighted = <T>(entries: [T, number][]): T => {
  let r = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of entries) if ((r -= weight) < 0) return value;
  return entries[0][0];
};

const packs: Record<PackName, RulePack> = {
  cn: new RulePack({ ...DEFAULT_PACKS.cn, marketingDays: { ...DEFAULT_PACKS.cn.marketingDays, noPublicHoliday: true } }),
  us: new RulePack(DEFAULT_PACKS.us),
};
const CN_ZONES = ['Asia/Shanghai', 'Asia/Shanghai', 'Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong'];
const US_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'Pacific/Honolulu',
];
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

function customer(us: boolean, i: number): CustomerSnapshot {
  return {
    id: `c${i}`,
    country: us ? 'US' : 'CN',
    timezone: pick(us ? US_ZONES : CN_ZONES),
    phone: chance(0.98) ? '+8613800138000' : null,
    email: chance(0.7) ? 'someone@example.cn' : null,
    contactWindow: chance(0.1) ? { start: pick(['09:00', '12:00', '18:00']), end: pick(['17:00', '20:00', '21:30']) } : null,
    inconvenientTimes: chance(0.1) ? [{ start: '12:00', end: '13:30', days: [1, 2, 3, 4, 5] }] : [],
    muteUntil: chance(0.02) ? new Date(YEAR_START + random() * 365 * DAY) : null,
    marketingMuteUntil: chance(0.03) ? new Date(YEAR_START + random() * 365 * DAY) : null,
  };
}

const mark = (state: ConsentMark['state']): ConsentMark => ({ state, at: new Date(YEAR_START), source: 'import' });

function input(i: number): DecideContactInput {
  const us = chance(0.2);
  const at = YEAR_START + Math.floor(random() * 365 * DAY);
  const contacts: ContactRecord[] = [];
  const count = weighted([
    [0, 30],
    [2, 30],
    [6, 25],
    [15, 15],
  ]);
  for (let k = 0; k < count; k++) {
    contacts.push({
      at: at - Math.floor(random() * 30 * DAY),
      purpose: weighted<Purpose>([
        ['collections', 5],
        ['service', 2],
        ['marketing', 2],
        ['fraud', 1],
      ]),
      channel: pick<Channel>(['sms', 'sms', 'call', 'email']),
      connected: chance(0.4),
      conversation: chance(0.1),
      subjectRef: chance(0.3) ? 'fraud-1' : null,
    });
  }
  contacts.sort((a, b) => a.at - b.at);
  const channelConsent = () => ({
    all: chance(0.03) ? mark('revoked') : null,
    marketing: weighted<ConsentMark | null>([
      [mark('granted'), 6],
      [null, 3],
      [mark('revoked'), 1],
    ]),
  });
  return {
    customer: customer(us, i),
    purpose: weighted<Purpose>([
      ['collections', 4],
      ['service', 2],
      ['marketing', 3],
      ['fraud', 1],
    ]),
    channel: pick<Channel>(['sms', 'sms', 'call', 'email']),
    at: new Date(at),
    history: { since: at - 40 * DAY, contacts },
    consent: {
      sms: channelConsent(),
      email: channelConsent(),
      call: channelConsent(),
      doNotContact: { phone: chance(0.01), email: chance(0.01) },
    },
    pack: us ? packs.us : packs.cn,
    context: { fraudEventRef: 'fraud-1', campaignEndsAt: chance(0.3) ? new Date(at + 3 * DAY) : undefined },
  };
}

/** Allowed now? — quiet hours and caps with a luxon DateTime per rule, no deferral. */
function naiveAllowed(input: DecideContactInput): boolean {
  const zone = input.customer.timezone;
  const local = DateTime.fromJSDate(input.at).setZone(zone);
  const hours = input.pack.config.contactHours[input.purpose][input.channel];
  if (hours !== 'any') {
    const [start, end] = hours.split('-').map((hm) => local.startOf('day').set({ hour: +hm.slice(0, 2), minute: +hm.slice(3) }));
    if (local < start || local >= end) return false;
  }
  for (const cap of Object.values(input.pack.config.caps)) {
    if (!cap.appliesTo.purposes.includes(input.purpose) || !cap.appliesTo.channels.includes(input.channel)) continue;
    const from =
      'hours' in cap.window
        ? DateTime.fromJSDate(input.at).minus({ hours: cap.window.hours })
        : DateTime.fromJSDate(input.at)
            .setZone(zone)
            .startOf('day')
            .minus({ days: cap.window.localDays - 1 });
    const counted = input.history.contacts.filter(
      (c) =>
        cap.counts.purposes.includes(c.purpose) &&
        cap.counts.channels.includes(c.channel) &&
        DateTime.fromMillis(c.at).setZone(zone) >= from,
    ).length;
    if (counted >= cap.limit) return false;
  }
  return true;
}

function measure(label: string, inputs: DecideContactInput[], decide: (input: DecideContactInput) => unknown, seconds: number) {
  for (let i = 0; i < 2_000; i++) decide(inputs[i % inputs.length]); // warm up the JIT and the zone caches
  let decisions = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < 1_000; i++) decide(inputs[(decisions + i) % inputs.length]);
    decisions += 1_000;
    now = process.hrtime.bigint();
  }
  const perSecond = Math.round(decisions / (Number(now - started) / 1e9));
  console.log(`${label.padEnd(36)} ${perSecond.toLocaleString('en-US').padStart(12)} decisions/s`);
  return perSecond;
}

function main(): void {
  const inputs = Array.from({ length: INPUTS }, (_, i) => input(i));
  const decisions = inputs.map(decideContact);
  const allowed = decisions.filter((d) => d.allowed).length;
  const deferred = decisions.filter((d) => d.nextAllowedAt).length;
  console.log(
    `mix: ${INPUTS} inputs — ${pct(allowed)} allowed now, ${pct(deferred)} deferred, ${pct(INPUTS - allowed - deferred)} final`,
  );
  const naive = measure('naive (luxon per rule, no deferral)', inputs, naiveAllowed, Math.min(SECONDS, 2));
  const fast = measure('decideContact', inputs, decideContact, SECONDS);
  console.log(JSON.stringify({ decisionsPerSec: fast, naiveDecisionsPerSec: naive, inputs: INPUTS }));
}

const pct = (n: number) => `${((100 * n) / INPUTS).toFixed(1)}%`;

main();
