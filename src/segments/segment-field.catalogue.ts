import { CARD_STATUSES, Customer, LOCALES, RISK_LEVELS } from '../customers/customer.entity';

/** What a field holds; it decides which operators and which values a condition may use. */
export type FieldType = 'string' | 'enum' | 'integer' | 'money' | 'date' | 'timestamp' | 'boolean' | 'tags' | 'json';

export const OPERATORS = [
  'eq',
  'ne',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'notIn',
  'between',
  'exists',
  'hasTag',
  'hasAnyTag',
  'hasAllTags',
  'contains',
] as const;
export type Operator = (typeof OPERATORS)[number];

const ORDERED: Operator[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'notIn'];

/** `exists` is added for nullable fields only: on the others it would always hold. */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  string: ['eq', 'ne', 'in', 'notIn', 'contains'],
  enum: ['eq', 'ne', 'in', 'notIn'],
  integer: ORDERED,
  money: ORDERED,
  date: ORDERED,
  // Timestamps carry microseconds in PostgreSQL and milliseconds in JavaScript: equality would lie.
  timestamp: ['lt', 'lte', 'gt', 'gte', 'between'],
  boolean: ['eq', 'ne'],
  tags: ['hasTag', 'hasAnyTag', 'hasAllTags', 'exists'],
  json: ['contains'],
};

/** The customer properties a rule may read (through a field). */
export type SubjectProperty = keyof Customer;

/** A stored column of `customers c`. */
interface ColumnSource {
  kind: 'column';
  column: string;
  property: SubjectProperty;
}

/**
 * Whole calendar days between the customer's local today and a stored date or instant, both
 * taken in the customer's own time zone: `until` counts base − today, `since` today − base.
 */
interface DaysSource {
  kind: 'days';
  direction: 'until' | 'since';
  column: string;
  property: SubjectProperty;
  base: 'date' | 'timestamp';
}

/** Whether the minimum due of the current statement has been paid. */
interface MinimumDuePaidSource {
  kind: 'minimumDuePaid';
}

/**
 * The customer's recent events a rule may count, each derived by the compiler from its event
 * table (a correlated count over the window ending now): the customer's free-text replies (an
 * SMS that is no keyword), those of them that read as a complaint (COMPLAINT_WORDS), calls that
 * went unanswered (no answer, busy), and payments the core system reported returned unpaid.
 */
export const RECENT_EVENTS = ['freeTextReplies', 'complaintReplies', 'unansweredCalls', 'bouncedPayments'] as const;
export type RecentEvent = (typeof RECENT_EVENTS)[number];

/** A count of one kind of the customer's events in the last `days` days (a sliding window, so time-driven). */
interface EventCountSource {
  kind: 'eventCount';
  event: RecentEvent;
  days: number;
}

/**
 * Words that make a free-text reply a complaint, in the languages customers write (a case-blind
 * match anywhere in the text). Deliberately plain: the reply opens a work order either way; this
 * only lets a rule raise its severity. One list for SQL (COMPLAINT_PATTERN) and anything else.
 */
export const COMPLAINT_WORDS = [
  'complain',
  'complaint',
  'unacceptable',
  'ridiculous',
  'outrageous',
  'terrible',
  'angry',
  'furious',
  'scam',
  'fraudulent',
  'lawyer',
  'regulator',
  'ombudsman',
  '投诉',
  '举报',
  '生气',
  '愤怒',
  '太差',
  '骗子',
  '欺诈',
  '律师',
  '监管',
  '银保监',
  '不满',
] as const;

/** COMPLAINT_WORDS as one POSIX regular expression (none of them holds a metacharacter). */
export const COMPLAINT_PATTERN = COMPLAINT_WORDS.join('|');

/**
 * How far the credit score is now below its highest of the last `days` days (0 if it is at its
 * highest, or empty): derived from the score's changes (credit_score_changes, kept by a trigger
 * on every writer) and the score now.
 */
interface ScoreDropSource {
  kind: 'scoreDrop';
  days: number;
}

export type FieldSource = ColumnSource | DaysSource | MinimumDuePaidSource | EventCountSource | ScoreDropSource;

export interface FieldDefinition {
  name: string;
  type: FieldType;
  /** The field may be empty; comparisons are then false and `exists` is offered. */
  nullable: boolean;
  source: FieldSource;
  /** Allowed values of an enum. */
  values?: readonly string[];
  /** Integer bounds (inclusive); they keep every value inside the SQL type it is bound as. */
  min?: number;
  max?: number;
  /** Narrows the type's operators, e.g. personal data may only be tested for presence. */
  only?: readonly Operator[];
  description: string;
}

const INT4 = { min: -2_147_483_648, max: 2_147_483_647 };
/** ±100,000 days (~270 years) keeps day arithmetic inside every date range involved. */
const DAYS = { min: -100_000, max: 100_000 };

const column = (column: string, property: SubjectProperty): ColumnSource => ({ kind: 'column', column, property });
const days = (
  direction: 'until' | 'since',
  column: string,
  property: SubjectProperty,
  base: 'date' | 'timestamp',
): DaysSource => ({
  kind: 'days',
  direction,
  column,
  property,
  base,
});

const definitions: FieldDefinition[] = [
  {
    name: 'externalRef',
    type: 'string',
    nullable: false,
    source: column('external_ref', 'externalRef'),
    description: 'core-system reference',
  },
  {
    name: 'phone',
    type: 'string',
    nullable: true,
    source: column('phone', 'phone'),
    only: ['exists'],
    description: 'has a mobile number',
  },
  {
    name: 'email',
    type: 'string',
    nullable: true,
    source: column('email', 'email'),
    only: ['exists'],
    description: 'has an e-mail address',
  },
  {
    name: 'locale',
    type: 'enum',
    nullable: false,
    source: column('locale', 'locale'),
    values: LOCALES,
    description: 'zh-CN or en',
  },
  { name: 'timezone', type: 'string', nullable: false, source: column('timezone', 'timezone'), description: 'IANA time zone' },
  { name: 'country', type: 'string', nullable: false, source: column('country', 'country'), description: 'ISO 3166 alpha-2' },
  { name: 'city', type: 'string', nullable: true, source: column('city', 'city'), description: 'city' },
  {
    name: 'cardStatus',
    type: 'enum',
    nullable: false,
    source: column('card_status', 'cardStatus'),
    values: CARD_STATUSES,
    description: 'active, not_activated, on_hold or blocked',
  },
  { name: 'currency', type: 'string', nullable: false, source: column('currency', 'currency'), description: 'ISO 4217 code' },
  {
    name: 'creditLimit',
    type: 'money',
    nullable: false,
    source: column('credit_limit', 'creditLimit'),
    description: 'minor units',
  },
  {
    name: 'statementBalance',
    type: 'money',
    nullable: false,
    source: column('statement_balance', 'statementBalance'),
    description: 'minor units',
  },
  { name: 'minimumDue', type: 'money', nullable: false, source: column('minimum_due', 'minimumDue'), description: 'minor units' },
  {
    name: 'paidThisCycle',
    type: 'money',
    nullable: false,
    source: column('paid_this_cycle', 'paidThisCycle'),
    description: 'minor units',
  },
  {
    name: 'minimumDuePaid',
    type: 'boolean',
    nullable: false,
    source: { kind: 'minimumDuePaid' },
    description: 'paid this cycle ≥ minimum due',
  },
  {
    name: 'statementDate',
    type: 'date',
    nullable: true,
    source: column('statement_date', 'statementDate'),
    description: 'YYYY-MM-DD',
  },
  { name: 'dueDate', type: 'date', nullable: true, source: column('due_date', 'dueDate'), description: 'YYYY-MM-DD' },
  {
    name: 'daysPastDue',
    type: 'integer',
    nullable: false,
    source: column('days_past_due', 'daysPastDue'),
    ...INT4,
    description: 'as reported by the core system',
  },
  {
    name: 'riskLevel',
    type: 'enum',
    nullable: false,
    source: column('risk_level', 'riskLevel'),
    values: RISK_LEVELS,
    description: 'low, medium or high',
  },
  {
    name: 'creditScore',
    type: 'integer',
    nullable: true,
    source: column('credit_score', 'creditScore'),
    ...INT4,
    description: '300–900',
  },
  {
    name: 'cardIssuedOn',
    type: 'date',
    nullable: true,
    source: column('card_issued_on', 'cardIssuedOn'),
    description: 'YYYY-MM-DD',
  },
  {
    name: 'lastCardActivityAt',
    type: 'timestamp',
    nullable: true,
    source: column('last_card_activity_at', 'lastCardActivityAt'),
    description: 'ISO 8601 instant',
  },
  { name: 'tags', type: 'tags', nullable: false, source: column('tags', 'tags'), description: 'labels' },
  {
    name: 'attributes',
    type: 'json',
    nullable: false,
    source: column('attributes', 'attributes'),
    description: 'custom attributes',
  },
  {
    name: 'muteUntil',
    type: 'timestamp',
    nullable: true,
    source: column('mute_until', 'muteUntil'),
    description: 'ISO 8601 instant',
  },
  {
    name: 'marketingMuteUntil',
    type: 'timestamp',
    nullable: true,
    source: column('marketing_mute_until', 'marketingMuteUntil'),
    description: 'ISO 8601 instant',
  },
  {
    name: 'lastContactAt',
    type: 'timestamp',
    nullable: true,
    source: column('last_contact_at', 'lastContactAt'),
    description: 'ISO 8601 instant',
  },
  {
    name: 'lastContactChannel',
    type: 'string',
    nullable: true,
    source: column('last_contact_channel', 'lastContactChannel'),
    description: 'sms, email or call',
  },
  {
    name: 'lastContactPurpose',
    type: 'string',
    nullable: true,
    source: column('last_contact_purpose', 'lastContactPurpose'),
    description: 'purpose of the last contact',
  },
  {
    name: 'lastContactOutcome',
    type: 'string',
    nullable: true,
    source: column('last_contact_outcome', 'lastContactOutcome'),
    description: 'outcome of the last contact',
  },
  {
    name: 'lastRightPartyContactAt',
    type: 'timestamp',
    nullable: true,
    source: column('last_right_party_contact_at', 'lastRightPartyContactAt'),
    description: 'ISO 8601 instant',
  },
  {
    name: 'promiseToPayOn',
    type: 'date',
    nullable: true,
    source: column('promise_to_pay_on', 'promiseToPayOn'),
    description: 'YYYY-MM-DD',
  },
  {
    name: 'promiseToPayAmount',
    type: 'money',
    nullable: true,
    source: column('promise_to_pay_amount', 'promiseToPayAmount'),
    description: 'minor units',
  },
  {
    name: 'lastVerificationResult',
    type: 'string',
    nullable: true,
    source: column('last_verification_result', 'lastVerificationResult'),
    description: 'result of the last fraud verification',
  },
  {
    name: 'createdAt',
    type: 'timestamp',
    nullable: false,
    source: column('created_at', 'createdAt'),
    description: 'ISO 8601 instant',
  },
  {
    name: 'daysUntilDue',
    type: 'integer',
    nullable: true,
    source: days('until', 'due_date', 'dueDate', 'date'),
    ...DAYS,
    description: 'due date − local today (negative once past)',
  },
  {
    name: 'daysSinceLastContact',
    type: 'integer',
    nullable: true,
    source: days('since', 'last_contact_at', 'lastContactAt', 'timestamp'),
    ...DAYS,
    description: 'local today − local date of the last contact',
  },
  {
    name: 'daysSinceCardIssued',
    type: 'integer',
    nullable: true,
    source: days('since', 'card_issued_on', 'cardIssuedOn', 'date'),
    ...DAYS,
    description: 'local today − card issue date',
  },
  {
    name: 'daysSinceLastCardActivity',
    type: 'integer',
    nullable: true,
    source: days('since', 'last_card_activity_at', 'lastCardActivityAt', 'timestamp'),
    ...DAYS,
    description: 'local today − local date of the last card activity',
  },
];

/** A count of recent events: whole numbers from 0, never empty (no event is 0). */
const recent = (name: string, event: RecentEvent, windowDays: number, description: string): FieldDefinition => ({
  name,
  type: 'integer',
  nullable: false,
  source: { kind: 'eventCount', event, days: windowDays },
  min: 0,
  max: 1_000_000,
  description,
});

definitions.push(
  recent('freeTextRepliesLast30Days', 'freeTextReplies', 30, 'SMS replies that were no keyword, in the last 30 days'),
  recent('complaintRepliesLast30Days', 'complaintReplies', 30, 'of those, replies that read as a complaint, last 30 days'),
  recent('unansweredCallsLast7Days', 'unansweredCalls', 7, 'calls not answered (no answer, busy) in the last 7 days'),
  recent('bouncedPaymentsLast30Days', 'bouncedPayments', 30, 'payments returned unpaid (bounced) in the last 30 days'),
  {
    name: 'creditScoreDropLast30Days',
    type: 'integer',
    nullable: false,
    source: { kind: 'scoreDrop', days: 30 },
    min: 0,
    max: 1_000_000,
    description: 'highest score of the last 30 days − score now (0 when at its highest or empty)',
  },
);

/** The whitelist. A Map, so a hostile name such as `__proto__` or `constructor` finds nothing. */
export const SEGMENT_FIELDS: ReadonlyMap<string, FieldDefinition> = new Map(definitions.map((f) => [f.name, f]));

export function operatorsFor(field: FieldDefinition): readonly Operator[] {
  if (field.only) return field.only;
  const ops = OPERATORS_BY_TYPE[field.type];
  return field.nullable && !ops.includes('exists') ? [...ops, 'exists'] : ops;
}
