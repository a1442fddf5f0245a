import { DateTime } from 'luxon';
import { ValidationFailedError } from '../common/domain-error';
import { COMPLAINT_PATTERN, FieldDefinition, FieldType, Operator, RecentEvent } from './segment-field.catalogue';
import { AttributesMatch, parseSegmentRule, Scalar, SegmentCondition, SegmentRule } from './segment-rule.parser';

export interface CompiledSegment {
  /** A boolean SQL condition over `customers c`, parenthesised, safe to AND into any query. */
  where: string;
  /** Bind values for the placeholders `$firstParam` … in order. */
  params: unknown[];
}

export interface CompileOptions {
  /** The instant derived fields (daysUntilDue …) are computed at, in each customer's own zone. */
  now: Date;
  /** Number of the first placeholder, for callers that bind their own parameters first. Default 1. */
  firstParam?: number;
}

const CAST: Record<Exclude<FieldType, 'json'>, string> = {
  string: 'text',
  enum: 'text',
  tags: 'text',
  integer: 'integer',
  money: 'bigint',
  date: 'date',
  timestamp: 'timestamptz',
  boolean: 'boolean',
};

const COMPARISON = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/**
 * Compiles an untrusted rule to ONE parameterised SQL condition over `customers c`. Values only
 * ever travel as bind parameters; field names map to columns through the whitelist. Pure: the
 * same rule and `now` give the same SQL and parameters.
 *
 * Every condition is two-valued (TRUE or FALSE, never NULL): a condition on an empty field is
 * false, so `not` is an exact complement. Throws DomainError (400) for a bad rule, see
 * parseSegmentRule.
 */
export function compileSegmentRule(rule: unknown, options: CompileOptions): CompiledSegment {
  const firstParam = options.firstParam ?? 1;
  if (!Number.isSafeInteger(firstParam) || firstParam < 1) {
    throw new ValidationFailedError([{ field: 'firstParam', reason: 'must be a whole number ≥ 1' }]);
  }
  if (Number.isNaN(options.now.getTime())) throw new ValidationFailedError([{ field: 'now', reason: 'must be a valid instant' }]);
  const sql = new SqlBuilder(firstParam, options.now);
  const where = sql.rule(parseSegmentRule(rule));
  return { where: `(${where})`, params: sql.params };
}

class SqlBuilder {
  readonly params: unknown[] = [];
  private nowParam: string | undefined;

  constructor(
    private readonly firstParam: number,
    private readonly now: Date,
  ) {}

  rule(rule: SegmentRule): string {
    switch (rule.kind) {
      case 'all':
        return rule.rules.length ? rule.rules.map((r) => `(${this.rule(r)})`).join(' AND ') : 'TRUE';
      case 'any':
        return rule.rules.length ? rule.rules.map((r) => `(${this.rule(r)})`).join(' OR ') : 'FALSE';
      case 'not':
        return `NOT (${this.rule(rule.rule)})`;
      case 'condition':
        return this.condition(rule);
    }
  }

  private condition({ field, op, value }: SegmentCondition): string {
    const source = field.source;
    if (source.kind === 'minimumDuePaid') {
      return `(c.paid_this_cycle >= c.minimum_due) ${COMPARISON[op as 'eq' | 'ne']} ${this.bind(value, 'boolean')}`;
    }
    if (source.kind === 'eventCount') return this.test(field, op as Exclude<Operator, 'exists'>, this.eventCount(source), value);
    if (source.kind === 'scoreDrop') return this.test(field, op as Exclude<Operator, 'exists'>, this.scoreDrop(source), value);
    const column = `c.${source.column}`;
    if (op === 'exists') return field.type === 'tags' ? `cardinality(${column}) > 0` : `${column} IS NOT NULL`;

    const [expression, hints] =
      source.kind === 'days' ? [this.days(source), this.dayHints(field, op, value as Scalar | Scalar[])] : [column, []];
    const test = this.test(field, op, expression, value);
    // A NULL operand would make the condition NULL, and NOT of it NULL too: the guard makes it FALSE.
    const guard = field.nullable ? [`${column} IS NOT NULL`] : [];
    return [...guard, ...hints, test].join(' AND ');
  }

  private test(
    field: FieldDefinition,
    op: Exclude<Operator, 'exists'>,
    expression: string,
    value: SegmentCondition['value'],
  ): string {
    if (field.type === 'json') {
      const match = value as AttributesMatch;
      return 'key' in match
        ? `${expression} ? ${this.bind(match.key, 'text')}`
        : `${expression} @> ${this.bind(JSON.stringify(Object.fromEntries(match.entries)), 'jsonb')}`;
    }
    const cast = CAST[field.type];
    switch (op) {
      case 'eq':
      case 'ne':
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        return `${expression} ${COMPARISON[op]} ${this.bind(value, cast)}`;
      case 'between': {
        const [low, high] = value as Scalar[];
        return `${expression} BETWEEN ${this.bind(low, cast)} AND ${this.bind(high, cast)}`;
      }
      case 'in':
        return `${expression} = ANY(${this.bind(value, `${cast}[]`)})`;
      case 'notIn':
        return `${expression} <> ALL(${this.bind(value, `${cast}[]`)})`;
      case 'contains':
        return `strpos(${expression}, ${this.bind(value, 'text')}) > 0`;
      case 'hasTag':
        return `${expression} @> ARRAY[${this.bind(value, 'text')}]`;
      case 'hasAnyTag':
        return `${expression} && ${this.bind(value, 'text[]')}`;
      case 'hasAllTags':
        return `${expression} @> ${this.bind(value, 'text[]')}`;
    }
  }

  /**
   * How many of the customer's events of a kind fall in the window ending now: a count over the
   * event table by its (customer, time) index, never NULL. `now` binds as every derived field's.
   */
  private eventCount(source: { event: RecentEvent; days: number }): string {
    const since = `${this.nowPlaceholder()} - make_interval(days => ${this.bind(source.days, 'integer')})`;
    switch (source.event) {
      case 'freeTextReplies':
      case 'complaintReplies': {
        const tone = source.event === 'complaintReplies' ? ` AND m.body ~* ${this.bind(COMPLAINT_PATTERN, 'text')}` : '';
        return `(SELECT count(*)::int FROM inbound_messages m
                  WHERE m.customer_id = c.id AND m.intent = 'free_text' AND m.received_at > ${since}${tone})`;
      }
      case 'unansweredCalls':
        return `(SELECT count(*)::int FROM contact_attempts a
                  WHERE a.customer_id = c.id AND a.channel = 'call' AND a.status IN ('no_answer', 'busy')
                    AND a.attempted_at > ${since})`;
      case 'bouncedPayments':
        return `(SELECT count(*)::int FROM payments p
                  WHERE p.customer_id = c.id AND p.returned_at IS NOT NULL AND p.returned_at > ${since})`;
    }
  }

  /**
   * How far the score is below its highest in the window ending now: the scores held in the
   * window are the score now and the score before each change in it. Never NULL.
   */
  private scoreDrop(source: { days: number }): string {
    const since = `${this.nowPlaceholder()} - make_interval(days => ${this.bind(source.days, 'integer')})`;
    return `(SELECT coalesce(greatest(max(h.score_before), c.credit_score) - c.credit_score, 0) FROM credit_score_changes h
              WHERE h.customer_id = c.id AND h.changed_at > ${since})`;
  }

  /** Calendar days between the customer's local today and the base date, in their own zone. */
  private days(source: Extract<FieldDefinition['source'], { kind: 'days' }>): string {
    const today = `(${this.nowPlaceholder()} AT TIME ZONE c.timezone)::date`;
    const base = source.base === 'date' ? `c.${source.column}` : `(c.${source.column} AT TIME ZONE c.timezone)::date`;
    return source.direction === 'until' ? `(${base} - ${today})` : `(${today} - ${base})`;
  }

  /**
   * Redundant bounds on the stored column that an index can use. Whatever the zone, its local
   * today lies within one day of the UTC date of `now` (offsets are −12 h … +14 h), so a range
   * of day counts bounds the base date; an instant's local date likewise lies within a day of
   * its UTC date. The exact day arithmetic still decides; these only narrow the scan.
   */
  private dayHints(field: FieldDefinition, op: SegmentCondition['op'], value: Scalar | Scalar[]): string[] {
    const range = dayRange(op, value);
    if (!range) return [];
    const source = field.source as Extract<FieldDefinition['source'], { kind: 'days' }>;
    const today = DateTime.fromJSDate(this.now, { zone: 'utc' }).startOf('day');
    // Base dates (in the customer's zone) that can produce a day count within [low, high].
    const [earliest, latest] =
      source.direction === 'until'
        ? [
            range.low === undefined ? undefined : today.plus({ days: range.low - 1 }),
            range.high === undefined ? undefined : today.plus({ days: range.high + 1 }),
          ]
        : [
            range.high === undefined ? undefined : today.minus({ days: range.high + 1 }),
            range.low === undefined ? undefined : today.minus({ days: range.low - 1 }),
          ];
    const column = `c.${source.column}`;
    const hints: string[] = [];
    if (source.base === 'date') {
      if (earliest) hints.push(`${column} >= ${this.bind(earliest.toISODate(), 'date')}`);
      if (latest) hints.push(`${column} <= ${this.bind(latest.toISODate(), 'date')}`);
    } else {
      // Local date d spans the instants from (d − 1) 10:00Z (UTC+14) to (d + 1) 12:00Z (UTC−12).
      if (earliest) hints.push(`${column} >= ${this.bind(earliest.minus({ days: 1 }).toISO(), 'timestamptz')}`);
      if (latest) hints.push(`${column} < ${this.bind(latest.plus({ days: 2 }).toISO(), 'timestamptz')}`);
    }
    return hints;
  }

  private nowPlaceholder(): string {
    return (this.nowParam ??= this.bind(this.now.toISOString(), 'timestamptz'));
  }

  private bind(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.firstParam + this.params.length - 1}::${cast}`;
  }
}

/** The day counts a condition can accept, open-ended where unbounded; undefined when unbounded both ways. */
function dayRange(op: SegmentCondition['op'], value: Scalar | Scalar[]): { low?: number; high?: number } | undefined {
  const v = value as number;
  switch (op) {
    case 'eq':
      return { low: v, high: v };
    case 'lt':
      return { high: v - 1 };
    case 'lte':
      return { high: v };
    case 'gt':
      return { low: v + 1 };
    case 'gte':
      return { low: v };
    case 'between':
    case 'in': {
      const list = value as number[];
      return { low: Math.min(...list), high: Math.max(...list) };
    }
    default:
      return undefined;
  }
}
