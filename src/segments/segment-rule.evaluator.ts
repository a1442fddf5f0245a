import { DateTime } from 'luxon';
import { Customer } from '../customers/customer.entity';
import { FieldDefinition, Operator } from './segment-field.catalogue';
import { AttributesMatch, JsonScalar, parseSegmentRule, Scalar, SegmentCondition, SegmentRule } from './segment-rule.parser';

/** What a rule can read of a customer: the profile as the Customer entity carries it. */
export type SegmentSubject = Pick<
  Customer,
  | 'externalRef'
  | 'phone'
  | 'email'
  | 'locale'
  | 'timezone'
  | 'country'
  | 'city'
  | 'cardStatus'
  | 'currency'
  | 'creditLimit'
  | 'statementBalance'
  | 'minimumDue'
  | 'paidThisCycle'
  | 'statementDate'
  | 'dueDate'
  | 'daysPastDue'
  | 'riskLevel'
  | 'creditScore'
  | 'cardIssuedOn'
  | 'lastCardActivityAt'
  | 'tags'
  | 'attributes'
  | 'muteUntil'
  | 'marketingMuteUntil'
  | 'lastContactAt'
  | 'lastContactChannel'
  | 'lastContactPurpose'
  | 'lastContactOutcome'
  | 'lastRightPartyContactAt'
  | 'promiseToPayOn'
  | 'promiseToPayAmount'
  | 'lastVerificationResult'
  | 'createdAt'
> & {
  /**
   * What the SQL derives from event tables and the score's history, by field
   * (freeTextRepliesLast30Days, creditScoreDropLast30Days …); absent: none, 0.
   */
  recentEvents?: Partial<Record<string, number>>;
};

type Comparable = string | number | boolean;

const DAY_MS = 86_400_000;

/**
 * Whether one customer is in the segment at `now`, with exactly the semantics of the SQL that
 * compileSegmentRule produces (the differential test holds them together). Validates the rule
 * as the compiler does.
 */
export function evaluateSegmentRule(rule: unknown, customer: SegmentSubject, now: Date): boolean {
  return segmentPredicate(rule, now)(customer);
}

/** The rule validated once, as a test to run over many customers. */
export function segmentPredicate(rule: unknown, now: Date): (customer: SegmentSubject) => boolean {
  const parsed = parseSegmentRule(rule);
  const todays = new Map<string, number>();
  // Local today, as a day number, for each zone met.
  const today = (zone: string) => {
    let day = todays.get(zone);
    if (day === undefined) todays.set(zone, (day = localDay(now, zone)));
    return day;
  };
  return (customer) => evaluate(parsed, customer, today);
}

function evaluate(rule: SegmentRule, customer: SegmentSubject, today: (zone: string) => number): boolean {
  switch (rule.kind) {
    case 'all':
      return rule.rules.every((r) => evaluate(r, customer, today));
    case 'any':
      return rule.rules.some((r) => evaluate(r, customer, today));
    case 'not':
      return !evaluate(rule.rule, customer, today);
    case 'condition':
      return holds(rule, customer, today);
  }
}

function holds({ field, op, value }: SegmentCondition, customer: SegmentSubject, today: (zone: string) => number): boolean {
  const actual = read(field, customer, today);
  if (op === 'exists') return field.type === 'tags' ? (actual as string[]).length > 0 : actual !== null;
  // As in SQL with its guard: a condition on an empty field is false.
  if (actual === null) return false;
  if (field.type === 'json') return matchesAttributes(actual as Record<string, unknown>, value as AttributesMatch);
  if (op === 'hasTag' || op === 'hasAnyTag' || op === 'hasAllTags')
    return hasTags(actual as string[], op, value as string | string[]);
  return compare(op, actual as Comparable, comparable(field, value as Scalar | Scalar[]));
}

/** The field's value for this customer in comparable form, or null when empty. */
function read(field: FieldDefinition, customer: SegmentSubject, today: (zone: string) => number): unknown {
  const source = field.source;
  if (source.kind === 'minimumDuePaid') return Number(customer.paidThisCycle) >= Number(customer.minimumDue);
  // The SQL counts the event tables and reads the score's history; a subject in memory carries the figures, or has none.
  if (source.kind === 'eventCount' || source.kind === 'scoreDrop') return customer.recentEvents?.[field.name] ?? 0;
  const raw = customer[source.property as keyof SegmentSubject] ?? null;
  if (raw === null) return null;
  if (source.kind === 'days') {
    const base = source.base === 'date' ? dayNumber(raw as string) : localDay(new Date(raw as Date), customer.timezone);
    const now = today(customer.timezone);
    return source.direction === 'until' ? base - now : now - base;
  }
  switch (field.type) {
    case 'money':
      return Number(raw);
    case 'timestamp':
      return new Date(raw as Date).getTime();
    default:
      return raw;
  }
}

function comparable(field: FieldDefinition, value: Scalar | Scalar[]): Comparable | Comparable[] {
  if (field.type !== 'timestamp') return value;
  return Array.isArray(value) ? value.map((v) => Date.parse(v as string)) : Date.parse(value as string);
}

type TagOperator = 'hasTag' | 'hasAnyTag' | 'hasAllTags';

function compare(op: Exclude<Operator, 'exists' | TagOperator>, actual: Comparable, value: Comparable | Comparable[]): boolean {
  switch (op) {
    case 'eq':
      return actual === value;
    case 'ne':
      return actual !== value;
    case 'lt':
      return actual < (value as Comparable);
    case 'lte':
      return actual <= (value as Comparable);
    case 'gt':
      return actual > (value as Comparable);
    case 'gte':
      return actual >= (value as Comparable);
    case 'between': {
      const [low, high] = value as Comparable[];
      return actual >= low && actual <= high;
    }
    case 'in':
      return (value as Comparable[]).includes(actual);
    case 'notIn':
      return !(value as Comparable[]).includes(actual);
    case 'contains':
      return (actual as string).includes(value as string);
  }
}

function hasTags(tags: string[], op: TagOperator, value: string | string[]): boolean {
  if (op === 'hasTag') return tags.includes(value as string);
  if (op === 'hasAnyTag') return (value as string[]).some((tag) => tags.includes(tag));
  return (value as string[]).every((tag) => tags.includes(tag));
}

/**
 * PostgreSQL's `?` (top-level key present) and `@>` restricted to scalar values: each key is
 * present and holds exactly that scalar (an array holding it does not count below the top level).
 */
function matchesAttributes(attributes: Record<string, unknown>, match: AttributesMatch): boolean {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(attributes, key);
  if ('key' in match) return has(match.key);
  return match.entries.every(([key, expected]: [string, JsonScalar]) => has(key) && attributes[key] === expected);
}

/** The local calendar date of an instant in a zone, as days since 1970-01-01. */
function localDay(instant: Date, zone: string): number {
  return dayNumber(DateTime.fromJSDate(instant, { zone }).toISODate() ?? 'invalid');
}

function dayNumber(isoDate: string): number {
  return Date.parse(isoDate) / DAY_MS;
}
