import { DataSource } from 'typeorm';
import { generateCustomers } from '../../src/customers/book/customer-book.generator';
import { SeededRandom } from '../../src/customers/book/seeded-random';
import { CustomerProfile } from '../../src/customers/customer-row.validator';

/** The book's calendar day; rules and instants in the segment tests are drawn around it. */
export const BOOK_TODAY = '2025-03-09';
const TODAY_MS = Date.parse(`${BOOK_TODAY}T00:00:00Z`);
const DAY_MS = 86_400_000;

/** Zones at the edges of the offset range and across the date line, where local dates differ most from UTC. */
export const EDGE_ZONES = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Etc/GMT+12', 'Asia/Kathmandu', 'America/St_Johns'];
export const ATTRIBUTE_KEYS = ['synthetic', 'acquisitionChannel', 'tier', 'vip', 'score', 'note', 'branches'];
export const TIERS = ['gold', 'silver', 'platinum'];

/** A customer as the segment tests insert it: the generated profile plus what outcomes write back. */
export interface SegmentTestCustomer extends CustomerProfile {
  lastContactAt: Date | null;
  lastContactChannel: string | null;
  lastContactPurpose: string | null;
  lastContactOutcome: string | null;
  lastRightPartyContactAt: Date | null;
  muteUntil: Date | null;
  marketingMuteUntil: Date | null;
  promiseToPayOn: string | null;
  promiseToPayAmount: number | null;
  lastVerificationResult: string | null;
  createdAt: Date;
}

const instantAround = (random: SeededRandom, pastDays: number, futureDays: number) =>
  new Date(TODAY_MS + random.int(-pastDays * DAY_MS, futureDays * DAY_MS));

/**
 * The generated book (src/customers/book) with the fields it leaves empty filled in, some
 * customers moved to edge time zones, and richer attributes, so that every segment field varies.
 */
export function segmentTestBook(count: number, seed: number): SegmentTestCustomer[] {
  return [...generateCustomers({ count, seed, today: BOOK_TODAY })].map(({ consent: _consent, ...profile }, index) => {
    const random = new SeededRandom(seed ^ 0x5e6, index);
    const contacted = random.chance(0.6);
    const attributes: Record<string, unknown> = { ...profile.attributes };
    if (random.chance(0.4)) attributes.tier = random.pick(TIERS);
    if (random.chance(0.3)) attributes.vip = random.chance(0.5);
    if (random.chance(0.3)) attributes.score = random.pick([1, 2, 2.5, 10]);
    if (random.chance(0.1)) attributes.note = null;
    if (random.chance(0.1)) attributes.branches = [random.pick(TIERS)];
    const promise = random.chance(0.15);
    return {
      ...profile,
      timezone: random.chance(0.1) ? random.pick(EDGE_ZONES) : profile.timezone,
      city: random.chance(0.1) ? null : profile.city,
      attributes,
      lastContactAt: contacted ? instantAround(random, 90, 0) : null,
      lastContactChannel: contacted ? random.pick(['sms', 'email', 'call']) : null,
      lastContactPurpose: contacted ? random.pick(['collections', 'service', 'marketing']) : null,
      lastContactOutcome: contacted ? random.pick(['delivered', 'no_answer', 'promise_to_pay']) : null,
      lastRightPartyContactAt: contacted && random.chance(0.5) ? instantAround(random, 120, 0) : null,
      muteUntil: random.chance(0.05) ? instantAround(random, 10, 30) : null,
      marketingMuteUntil: random.chance(0.1) ? instantAround(random, 10, 60) : null,
      promiseToPayOn: promise ? new Date(TODAY_MS + random.int(-10, 20) * DAY_MS).toISOString().slice(0, 10) : null,
      promiseToPayAmount: promise ? random.int(1, 500) * 1000 : null,
      lastVerificationResult: random.chance(0.05) ? random.pick(['confirmed', 'denied']) : null,
      createdAt: instantAround(random, 1000, 0),
    };
  });
}

const COLUMNS: [keyof SegmentTestCustomer, string, string][] = [
  ['externalRef', 'external_ref', 'text'],
  ['fullName', 'full_name', 'text'],
  ['phone', 'phone', 'text'],
  ['email', 'email', 'text'],
  ['locale', 'locale', 'text'],
  ['timezone', 'timezone', 'text'],
  ['country', 'country', 'text'],
  ['city', 'city', 'text'],
  ['cardLast4', 'card_last4', 'text'],
  ['cardStatus', 'card_status', 'text'],
  ['currency', 'currency', 'text'],
  ['creditLimit', 'credit_limit', 'bigint'],
  ['statementBalance', 'statement_balance', 'bigint'],
  ['minimumDue', 'minimum_due', 'bigint'],
  ['paidThisCycle', 'paid_this_cycle', 'bigint'],
  ['statementDate', 'statement_date', 'date'],
  ['dueDate', 'due_date', 'date'],
  ['daysPastDue', 'days_past_due', 'integer'],
  ['riskLevel', 'risk_level', 'text'],
  ['creditScore', 'credit_score', 'integer'],
  ['cardIssuedOn', 'card_issued_on', 'date'],
  ['lastCardActivityAt', 'last_card_activity_at', 'timestamptz'],
  ['tags', 'tags', 'text[]'],
  ['attributes', 'attributes', 'jsonb'],
  ['lastContactAt', 'last_contact_at', 'timestamptz'],
  ['lastContactChannel', 'last_contact_channel', 'text'],
  ['lastContactPurpose', 'last_contact_purpose', 'text'],
  ['lastContactOutcome', 'last_contact_outcome', 'text'],
  ['lastRightPartyContactAt', 'last_right_party_contact_at', 'timestamptz'],
  ['muteUntil', 'mute_until', 'timestamptz'],
  ['marketingMuteUntil', 'marketing_mute_until', 'timestamptz'],
  ['promiseToPayOn', 'promise_to_pay_on', 'date'],
  ['promiseToPayAmount', 'promise_to_pay_amount', 'bigint'],
  ['lastVerificationResult', 'last_verification_result', 'text'],
  ['createdAt', 'created_at', 'timestamptz'],
];

/** Inserts the customers in one statement. */
export async function insertSegmentTestBook(db: DataSource, customers: SegmentTestCustomer[]): Promise<void> {
  const rows = customers.map((customer) => Object.fromEntries(COLUMNS.map(([property, column]) => [column, customer[property]])));
  await db.query(
    `INSERT INTO customers (${COLUMNS.map(([, column]) => column).join(', ')})
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS.map(([, column, type]) => `${column} ${type}`).join(', ')})`,
    [JSON.stringify(rows)],
  );
}
