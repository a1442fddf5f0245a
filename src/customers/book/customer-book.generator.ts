import { CardStatus, RiskLevel } from '../customer.entity';
import { ConsentState, CustomerRow } from '../customer-row.validator';
import { SeededRandom } from './seeded-random';

/**
 * A synthetic customer book for the demo, the tests and the benchmarks: deterministic (the same
 * seed, position and `today` give the same customer), shaped like a card centre's book.
 * Phones are valid numbers and may belong to real people: every generated profile carries
 * `attributes.synthetic = true`, and a seeded book must never meet live provider credentials.
 * E-mail addresses use the reserved example.* domains.
 */

export interface BookOptions {
  count: number;
  seed: number;
  /** The book's calendar day, `YYYY-MM-DD`: statements, due dates and card ages are around it. */
  today: string;
}

interface Region {
  country: string;
  timezone: string;
  locale: 'zh-CN' | 'en';
  currency: string;
  names: 'zh' | 'en' | 'mixed';
  cities: readonly string[];
  phone: (random: SeededRandom, index: number) => string;
  /** Days from statement to payment due. */
  graceDays: number;
  /** Credit limits offered, in major units. */
  limits: readonly number[];
}

// prettier-ignore
const CN_MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155',
  '156', '157', '158', '159', '166', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186',
  '187', '188', '189', '198', '199',
];

/** Blocks in which every number is a valid mobile number by libphonenumber's full metadata. */
const GB_MOBILE_BLOCKS = ['400', '410', '420', '430', '500', '510', '520', '710', '720', '730', '800', '810', '850', '900'];
const HK_MOBILE_BLOCKS = ['61', '63', '64', '65', '69', '94', '96', '97'];
const SG_MOBILE_BLOCKS = ['81', '82', '83', '84', '85', '86', '87', '88', '90', '91', '92', '93', '94', '96', '97', '98'];
const AU_MOBILE_BLOCKS = ['0', '1', '2', '3', '6'];

const digits = (value: number, width: number) => String(value).padStart(width, '0');

/** Unique per position: the 8 trailing digits step by a number coprime to 10^8. */
const cnMobile = (_: SeededRandom, index: number) =>
  `+86${CN_MOBILE_PREFIXES[index % CN_MOBILE_PREFIXES.length]}${digits((index * 7919 + 1234567) % 100_000_000, 8)}`;

/** North American numbers in the 555-01xx range set aside for fiction. */
const nanp = (areaCodes: readonly string[]) => (random: SeededRandom) =>
  `+1${random.pick(areaCodes)}55501${digits(random.int(0, 99), 2)}`;

// prettier-ignore
const REGIONS: readonly (readonly [Region, number])[] = [
  [
    {
      country: 'CN', timezone: 'Asia/Shanghai', locale: 'zh-CN', currency: 'CNY', names: 'zh', graceDays: 20,
      cities: ['上海', '北京', '深圳', '广州', '杭州', '成都', '武汉', '南京', '西安', '苏州', '天津', '重庆'],
      phone: cnMobile, limits: [5000, 8000, 10000, 20000, 30000, 50000, 80000, 100000, 200000],
    },
    80,
  ],
  [
    {
      country: 'US', timezone: 'America/New_York', locale: 'en', currency: 'USD', names: 'en', graceDays: 25,
      cities: ['New York', 'Boston', 'Philadelphia', 'Miami', 'Atlanta'],
      phone: nanp(['212', '646', '917', '617', '215', '305', '404']), limits: [1000, 2500, 5000, 10000, 20000],
    },
    7,
  ],
  [
    {
      country: 'GB', timezone: 'Europe/London', locale: 'en', currency: 'GBP', names: 'en', graceDays: 25,
      cities: ['London', 'Manchester', 'Birmingham', 'Edinburgh', 'Leeds'],
      phone: (random) => `+447${random.pick(GB_MOBILE_BLOCKS)}${digits(random.int(0, 999_999), 6)}`,
      limits: [1000, 2500, 5000, 10000, 15000],
    },
    6,
  ],
  [
    {
      country: 'HK', timezone: 'Asia/Hong_Kong', locale: 'zh-CN', currency: 'HKD', names: 'zh', graceDays: 25,
      cities: ['香港'], phone: (random) => `+852${random.pick(HK_MOBILE_BLOCKS)}${digits(random.int(0, 999_999), 6)}`,
      limits: [10000, 30000, 50000, 100000],
    },
    3,
  ],
  [
    {
      country: 'SG', timezone: 'Asia/Singapore', locale: 'en', currency: 'SGD', names: 'mixed', graceDays: 25,
      cities: ['Singapore'], phone: (random) => `+65${random.pick(SG_MOBILE_BLOCKS)}${digits(random.int(0, 999_999), 6)}`,
      limits: [2000, 5000, 10000, 20000],
    },
    2,
  ],
  [
    {
      country: 'US', timezone: 'America/Los_Angeles', locale: 'en', currency: 'USD', names: 'en', graceDays: 25,
      cities: ['Los Angeles', 'San Francisco', 'Seattle'],
      phone: nanp(['213', '415', '206']), limits: [1000, 2500, 5000, 10000, 20000],
    },
    1,
  ],
  [
    {
      country: 'AU', timezone: 'Australia/Sydney', locale: 'en', currency: 'AUD', names: 'en', graceDays: 25,
      cities: ['Sydney', 'Melbourne', 'Brisbane'], phone: (random) => `+614${random.pick(AU_MOBILE_BLOCKS)}${digits(random.int(0, 9_999_999), 7)}`,
      limits: [2000, 5000, 10000, 20000],
    },
    1,
  ],
];

// prettier-ignore
const ZH_SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'],
  ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'],
  ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['高', 'gao'], ['林', 'lin'], ['罗', 'luo'], ['郑', 'zheng'],
  ['梁', 'liang'], ['谢', 'xie'], ['宋', 'song'], ['唐', 'tang'], ['韩', 'han'], ['冯', 'feng'], ['邓', 'deng'],
];
// prettier-ignore
const ZH_GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英',
  '霞', '平', '刚', '桂英', '华', '玉兰', '萍', '鹏', '辉', '玲', '丹', '宇', '浩', '欣', '婷', '雪', '琳', '晨',
  '阳', '佳怡', '梓涵', '子轩', '一诺', '思远', '雨桐', '俊杰', '晓东', '海燕', '建国', '志强',
];
// prettier-ignore
const EN_FIRST = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Emily', 'Oliver',
  'Amelia', 'Harry', 'Olivia', 'George', 'Isla', 'Jack', 'Ava', 'Sophie', 'Noah', 'Grace', 'Daniel', 'Chloe',
];
// prettier-ignore
const EN_LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Taylor', 'Wilson', 'Anderson',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Evans', 'Roberts', 'Wood', 'Hughes',
];
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];
const ACQUISITION = ['app', 'branch', 'partner', 'web', 'telesales'];

/** Overdue buckets as a card book has them: most current, a thinning tail. */
const DAYS_PAST_DUE: readonly (readonly [[number, number], number])[] = [
  [[0, 0], 80],
  [[1, 30], 9],
  [[31, 60], 4],
  [[61, 90], 3.5],
  [[91, 360], 3.5],
];

/** Days since a card was last used: mostly this month, some idle for months. */
const LAST_CARD_ACTIVITY: readonly (readonly [[number, number], number])[] = [
  [[1, 30], 70],
  [[31, 89], 15],
  [[90, 720], 15],
];

type Arrears = 'current' | 'early' | 'late' | 'severe';

// prettier-ignore
const CARD_STATUS_BY_ARREARS: Record<Arrears, readonly (readonly [CardStatus, number])[]> = {
  current: [['active', 92], ['not_activated', 5.5], ['on_hold', 1.5], ['blocked', 1]],
  early: [['active', 93], ['on_hold', 7]],
  late: [['active', 93], ['on_hold', 7]],
  severe: [['blocked', 5], ['on_hold', 3], ['active', 2]],
};

// prettier-ignore
const RISK_BY_ARREARS: Record<Arrears, readonly (readonly [RiskLevel, number])[]> = {
  current: [['low', 70], ['medium', 25], ['high', 5]],
  early: [['low', 20], ['medium', 50], ['high', 30]],
  late: [['medium', 30], ['high', 70]],
  severe: [['medium', 30], ['high', 70]],
};

/** Tags a customer has by chance, beside those that follow from the profile (vip, new_customer, dormant). */
// prettier-ignore
const OPTIONAL_TAGS: readonly (readonly [string, number])[] = [
  ['auto_pay', 0.2], ['installment', 0.12], ['travel', 0.1], ['salary_account', 0.15], ['student', 0.04],
];

const DAY_MS = 86_400_000;

/** The external reference of the customer at this position (0-based) in a generated book. */
export const generatedExternalRef = (index: number) => `CB${digits(index + 1, 8)}`;

/** The customers of a book, one at a time, so a million never sit in memory together. */
export function* generateCustomers(options: BookOptions): Generator<CustomerRow> {
  const today = epochDay(options.today);
  for (let index = 0; index < options.count; index++) yield customerAt(options.seed, index, today);
}

/** The customer at one position of a book, without generating the ones before it. */
export function generateCustomer(seed: number, index: number, today: string): CustomerRow {
  return customerAt(seed, index, epochDay(today));
}

function customerAt(seed: number, index: number, today: number): CustomerRow {
  const random = new SeededRandom(seed, index);
  const region = random.weighted(REGIONS);
  const chinese = region.names === 'zh' || (region.names === 'mixed' && random.chance(0.6));
  const [fullName, handle] = chinese ? chineseName(random) : englishName(random);

  const [fewestDays, mostDays] = random.weighted(DAYS_PAST_DUE);
  const daysPastDue = random.int(fewestDays, mostDays);
  const arrears = daysPastDue === 0 ? 'current' : daysPastDue <= 30 ? 'early' : daysPastDue <= 90 ? 'late' : 'severe';
  const cardStatus = random.weighted(CARD_STATUS_BY_ARREARS[arrears]);
  const neverActivated = cardStatus === 'not_activated';

  // Never-activated cards were issued days to weeks ago; the rest months to years ago.
  const issuedDaysAgo = neverActivated ? random.int(3, 70) : random.chance(0.1) ? random.int(20, 90) : random.int(91, 3650);
  const [quiet, idle] = random.weighted(LAST_CARD_ACTIVITY);
  const lastActivityDaysAgo = neverActivated ? undefined : Math.min(random.int(quiet, idle), issuedDaysAgo);

  const cycleDay = random.int(1, 28);
  const statement = lastCycleDate(today, cycleDay);
  const due = statement + region.graceDays;
  const limit = random.pick(region.limits) * 100;
  const balance = neverActivated ? 0 : Math.round(random.next() ** 2 * limit);
  const minimumDue = balance <= 0 ? 0 : Math.min(balance, Math.max(Math.round(balance * 0.1), 10_000));
  const paidThisCycle = amountPaid(random, { daysPastDue, balance, minimumDue, duePassed: due < today });

  const riskLevel = random.weighted(RISK_BY_ARREARS[arrears]);
  const scoreRange = { low: [650, 850], medium: [550, 720], high: [350, 620] }[riskLevel];

  const tags: string[] = [];
  if (limit >= 100_000 * 100 || (region.currency !== 'CNY' && limit >= 15_000 * 100 && random.chance(0.5))) tags.push('vip');
  if (issuedDaysAgo < 90) tags.push('new_customer');
  if (lastActivityDaysAgo !== undefined && lastActivityDaysAgo >= 90) tags.push('dormant');
  for (const [tag, share] of OPTIONAL_TAGS) {
    if (random.chance(share)) tags.push(tag);
  }

  const consent = (granted: number, revoked: number): ConsentState | undefined =>
    random.weighted([
      ['granted', granted],
      ['revoked', revoked],
      [undefined, 1 - granted - revoked],
    ] as const);

  return {
    externalRef: generatedExternalRef(index),
    fullName,
    phone: random.chance(0.99) ? region.phone(random, index) : null,
    email: random.chance(0.85) ? `${handle}${index + 1}@${random.pick(EMAIL_DOMAINS)}` : null,
    locale: region.locale,
    timezone: region.timezone,
    country: region.country,
    city: random.pick(region.cities),
    cardLast4: digits(random.int(0, 9999), 4),
    cardStatus,
    currency: region.currency,
    creditLimit: limit,
    statementBalance: balance,
    minimumDue,
    paidThisCycle,
    statementDate: isoDate(statement),
    dueDate: isoDate(due),
    daysPastDue,
    riskLevel,
    creditScore: random.chance(0.97) ? random.int(scoreRange[0], scoreRange[1]) : null,
    cardIssuedOn: isoDate(today - issuedDaysAgo),
    lastCardActivityAt:
      lastActivityDaysAgo === undefined
        ? null
        : new Date((today - lastActivityDaysAgo) * DAY_MS + random.int(0, DAY_MS / 1000 - 1) * 1000),
    tags,
    attributes: { synthetic: true, acquisitionChannel: random.pick(ACQUISITION) },
    consent: omitUndefined({ sms: consent(0.7, 0.1), email: consent(0.55, 0.1), call: consent(0.4, 0.15) }),
  };
}

/** Overdue customers paid nothing or part of the minimum; the others paid in full or the minimum once due, some before. */
function amountPaid(
  random: SeededRandom,
  card: { daysPastDue: number; balance: number; minimumDue: number; duePassed: boolean },
): number {
  if (card.daysPastDue > 0) return random.chance(0.3) ? random.int(0, Math.max(0, card.minimumDue - 1)) : 0;
  if (!card.duePassed && !random.chance(0.4)) return 0;
  return random.chance(0.5) ? card.balance : card.minimumDue;
}

function chineseName(random: SeededRandom): [string, string] {
  const [surname, pinyin] = random.pick(ZH_SURNAMES);
  return [`${surname}${random.pick(ZH_GIVEN)}`, pinyin];
}

function englishName(random: SeededRandom): [string, string] {
  const [first, last] = [random.pick(EN_FIRST), random.pick(EN_LAST)];
  return [`${first} ${last}`, `${first}.${last}`.toLowerCase()];
}

function omitUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD`; calendar arithmetic without time zones. */
function epochDay(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!Number.isFinite(ms) || isoDate(ms / DAY_MS) !== date)
    throw new RangeError(`today must be a date YYYY-MM-DD, got "${date}"`);
  return ms / DAY_MS;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The latest statement date on or before `today` for a card whose cycle closes on `cycleDay`. */
function lastCycleDate(today: number, cycleDay: number): number {
  const date = new Date(today * DAY_MS);
  const thisMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), cycleDay) / DAY_MS;
  return thisMonth <= today ? thisMonth : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, cycleDay) / DAY_MS;
}
