import fc from 'fast-check';
import { FieldDefinition, Operator, operatorsFor, SEGMENT_FIELDS } from '../../src/segments/segment-field.catalogue';
import { ATTRIBUTE_KEYS, BOOK_TODAY, EDGE_ZONES, TIERS } from './segment-book';

const TODAY_MS = Date.parse(`${BOOK_TODAY}T00:00:00Z`);
const DAY_MS = 86_400_000;

const isoDate = fc.integer({ min: -400, max: 200 }).map((d) => new Date(TODAY_MS + d * DAY_MS).toISOString().slice(0, 10));
// Often within a day of today: two such instants written in different offsets are where text order and time order part.
const instant = fc
  .oneof(fc.integer({ min: -400 * 24, max: 60 * 24 }), fc.integer({ min: -24, max: 24 }))
  .chain((hours) =>
    fc.constantFrom('Z', '+08:00', '-05:00', '+05:45').map((offset) => toIso(TODAY_MS + hours * 3_600_000, offset)),
  );

function toIso(ms: number, offset: string): string {
  const shift =
    offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4))) * 60_000;
  return new Date(ms + shift).toISOString().replace('Z', offset === 'Z' ? 'Z' : offset);
}

/** Values close to what the book holds, so that conditions split it rather than take all or none. */
const TEXT: Record<string, fc.Arbitrary<string>> = {
  externalRef: fc.integer({ min: 1, max: 3000 }).map((n) => `CB${String(n).padStart(8, '0')}`),
  timezone: fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London', ...EDGE_ZONES),
  country: fc.constantFrom('CN', 'US', 'GB', 'HK', 'SG', 'AU', 'ZZ'),
  city: fc.constantFrom('上海', '北京', 'New York', 'London', 'Singapore', '香港', '上', 'on', 'Lon', '%', '_'),
  currency: fc.constantFrom('CNY', 'USD', 'GBP', 'HKD', 'C', 'D'),
  lastContactChannel: fc.constantFrom('sms', 'email', 'call', 's'),
  lastContactPurpose: fc.constantFrom('collections', 'service', 'marketing', 'ice'),
  lastContactOutcome: fc.constantFrom('delivered', 'no_answer', 'promise_to_pay', '_'),
  lastVerificationResult: fc.constantFrom('confirmed', 'denied', 'ed'),
  tags: fc.constantFrom(
    'vip',
    'new_customer',
    'dormant',
    'auto_pay',
    'installment',
    'travel',
    'salary_account',
    'student',
    'none',
  ),
};

const INTEGER: Record<string, [number, number]> = {
  daysPastDue: [-5, 400],
  creditScore: [250, 950],
  daysUntilDue: [-40, 40],
  daysSinceLastContact: [-5, 120],
  daysSinceCardIssued: [-5, 4000],
  daysSinceLastCardActivity: [-5, 800],
  // The book has no replies or calls: every count is 0, which these values sit on either side of.
  freeTextRepliesLast30Days: [0, 2],
  complaintRepliesLast30Days: [0, 2],
  unansweredCallsLast7Days: [0, 2],
  bouncedPaymentsLast30Days: [0, 2],
  // Nor any score history: the drop is 0 for everyone.
  creditScoreDropLast30Days: [0, 2],
};

const money = fc.oneof(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 0, max: 30_000_000 }));

function scalar(field: FieldDefinition): fc.Arbitrary<string | number | boolean> {
  switch (field.type) {
    case 'string':
    case 'tags':
      return TEXT[field.name];
    case 'enum':
      return fc.constantFrom(...field.values!);
    case 'integer':
      return fc.integer({ min: INTEGER[field.name][0], max: INTEGER[field.name][1] });
    case 'money':
      return money;
    case 'date':
      return isoDate;
    case 'timestamp':
      return instant;
    case 'boolean':
      return fc.boolean();
    case 'json':
      throw new Error('attributes take an AttributesMatch');
  }
}

/**
 * Where a value falls in the field's order, as the parser compares `between` bounds: instants by
 * the moment they name — `…T07:00+08:00` comes before `…T00:00Z` although it sorts after it as text.
 */
function ordinal(field: FieldDefinition, value: string | number | boolean): string | number | boolean {
  return field.type === 'timestamp' ? Date.parse(value as string) : value;
}

const attributeScalar = fc.oneof(fc.constantFrom(...TIERS), fc.boolean(), fc.constantFrom(1, 2, 2.5, 10), fc.constant(null));
const attributesMatch = fc.oneof(
  fc.constantFrom(...ATTRIBUTE_KEYS),
  fc.dictionary(fc.constantFrom(...ATTRIBUTE_KEYS), attributeScalar, { minKeys: 1, maxKeys: 2 }),
);

function value(field: FieldDefinition, op: Operator): fc.Arbitrary<unknown> {
  if (field.type === 'json') return attributesMatch;
  switch (op) {
    case 'in':
    case 'notIn':
    case 'hasAnyTag':
    case 'hasAllTags':
      return fc.uniqueArray(scalar(field), { minLength: 1, maxLength: 4 });
    case 'between':
      return fc.tuple(scalar(field), scalar(field)).map(([a, b]) => (ordinal(field, a) <= ordinal(field, b) ? [a, b] : [b, a]));
    default:
      return scalar(field);
  }
}

/** A valid condition on any whitelisted field with any operator its type allows. */
export const segmentCondition: fc.Arbitrary<Record<string, unknown>> = fc
  .oneof(
    fc.constantFrom(...SEGMENT_FIELDS.values()),
    // The day counts in the customer's zone are where SQL and JavaScript most easily part ways.
    fc.constantFrom(...[...SEGMENT_FIELDS.values()].filter((field) => field.source.kind === 'days')),
  )
  .chain((field) => fc.constantFrom(...operatorsFor(field)).map((op) => [field, op] as const))
  .chain(([field, op]): fc.Arbitrary<Record<string, unknown>> =>
    op === 'exists' ? fc.constant({ field: field.name, op }) : value(field, op).map((v) => ({ field: field.name, op, value: v })),
  );

/** A valid rule tree, a few levels deep. */
export const segmentRule: fc.Arbitrary<unknown> = fc.letrec<{ rule: unknown }>((tie) => ({
  rule: fc.oneof(
    { maxDepth: 4, depthSize: 'small', withCrossShrink: true },
    segmentCondition,
    fc.record({ all: fc.array(tie('rule'), { maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('rule'), { maxLength: 4 }) }),
    fc.record({ not: tie('rule') }),
  ),
})).rule;

/** Instants around the book's today, the US switch to summer time that morning included. */
export const evaluationInstant = fc.oneof(
  fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }).map((minutes) => new Date(TODAY_MS + minutes * 60_000)),
  fc
    .constantFrom(
      '2025-03-09T06:59:59Z',
      '2025-03-09T07:00:00Z',
      '2025-03-09T10:30:00Z',
      '2025-03-08T23:59:59Z',
      '2025-03-09T16:00:00Z',
    )
    .map((iso) => new Date(iso)),
);
