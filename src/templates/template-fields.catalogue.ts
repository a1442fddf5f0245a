import { DateTime } from 'luxon';
import { getMetadataArgsStorage } from 'typeorm';
import { Customer } from '../customers/customer.entity';

/** How a value is checked at render and which helpers may show it. */
export type FieldKind = 'string' | 'url' | 'integer' | 'money' | 'currency' | 'date' | 'instant' | 'list';

export interface FieldSpec {
  /** As templates write it: `customer.dueDate`, `txn.amount`, `pending`. */
  path: string;
  kind: FieldKind;
  /** `profile`: a column of the customer; `message`: the caller passes it; `herald`: filled in by Herald. */
  source: 'profile' | 'message' | 'herald';
  /** Profile fields: whether customers may lack it (a NULL column). */
  nullable: boolean;
  description: string;
  /** Lists: the fields of each item, used as `{{#each pending}}{{money amount currency}}{{/each}}`. */
  items?: Record<string, Exclude<FieldKind, 'list'>>;
  /**
   * Message fields: a campaign may give it, one value for its whole audience (an offer, a link).
   * What belongs to one event (a transaction) comes only from that event's flow.
   */
  campaign?: true;
}

/**
 * The customer profile as templates see it, read from the entity itself so the two never drift:
 * every scalar column. JSON and array columns (attributes, contact windows, tags) are not
 * template material. bigint columns carry money in minor units (see the entity).
 */
function profileFields(): FieldSpec[] {
  return getMetadataArgsStorage()
    .columns.filter((column) => column.target === Customer && !column.options.array && column.options.type !== 'jsonb')
    .map((column) => ({
      path: `customer.${column.propertyName}`,
      kind: profileKind(column.propertyName, column.options.type, column.mode),
      source: 'profile' as const,
      nullable: column.options.nullable === true,
      description: `the customer's ${column.propertyName}`,
    }));
}

function profileKind(property: string, type: unknown, mode: string): FieldKind {
  if (property === 'currency') return 'currency';
  if (mode === 'createDate' || mode === 'updateDate' || type === 'timestamptz') return 'instant';
  if (type === 'bigint') return 'money';
  if (type === 'int') return 'integer';
  if (type === 'date') return 'date';
  return 'string';
}

/** Per-message values: what a flow or campaign passes with each render, and what Herald fills in itself. */
const MESSAGE_FIELDS: FieldSpec[] = [
  {
    path: 'centre.name',
    kind: 'string',
    source: 'herald',
    nullable: false,
    description: "the card centre's name in the template's locale",
  },
  { path: 'centre.hotline', kind: 'string', source: 'herald', nullable: false, description: "the card centre's hotline" },
  {
    path: 'unsubscribe.url',
    kind: 'string',
    source: 'herald',
    nullable: false,
    description: 'marketing e-mail: the one-click unsubscribe URL passed to render as unsubscribeUrl',
  },
  { path: 'txn.amount', kind: 'money', source: 'message', nullable: false, description: 'the transaction amount in minor units' },
  { path: 'txn.currency', kind: 'currency', source: 'message', nullable: false, description: 'the transaction currency' },
  { path: 'txn.merchant', kind: 'string', source: 'message', nullable: false, description: "the merchant's name" },
  { path: 'txn.at', kind: 'instant', source: 'message', nullable: false, description: 'when the transaction happened' },
  {
    path: 'txn.reference',
    kind: 'string',
    source: 'message',
    nullable: false,
    description: 'the short reference the customer replies with (Y 4821)',
  },
  {
    path: 'pending',
    kind: 'list',
    source: 'message',
    nullable: false,
    description: 'the open fraud verifications, when a reply did not say which one it answers',
    items: { amount: 'money', currency: 'currency', merchant: 'string', at: 'instant', reference: 'string' },
  },
  {
    path: 'offer.instalments',
    kind: 'integer',
    source: 'message',
    nullable: false,
    description: 'instalment plan: number of months',
    campaign: true,
  },
  {
    path: 'offer.instalmentAmount',
    kind: 'money',
    source: 'message',
    nullable: false,
    description: 'instalment plan: the monthly amount in minor units of the customer currency',
    campaign: true,
  },
  {
    path: 'offer.deferUntil',
    kind: 'date',
    source: 'message',
    nullable: false,
    description: 'deferral: the new due date',
    campaign: true,
  },
  {
    path: 'offer.respondBy',
    kind: 'date',
    source: 'message',
    nullable: false,
    description: 'the last day to accept the offer',
    campaign: true,
  },
  {
    path: 'product.name',
    kind: 'string',
    source: 'message',
    nullable: false,
    description: 'the card product offered',
    campaign: true,
  },
  {
    path: 'link.url',
    kind: 'url',
    source: 'message',
    nullable: false,
    description: "an e-mail's call to action (apply, activate): an http(s) URL",
    campaign: true,
  },
];

const CATALOGUE = new Map<string, FieldSpec>([...profileFields(), ...MESSAGE_FIELDS].map((spec) => [spec.path, spec]));

/** The spec of a field templates may use, or undefined when neither the profile nor the message has it. */
export function fieldSpec(path: string): FieldSpec | undefined {
  return CATALOGUE.get(path);
}

/** The message fields a campaign may give (`link.url`, `product.name`, `offer.*`), in catalogue order. */
export function campaignFields(): FieldSpec[] {
  return MESSAGE_FIELDS.filter((spec) => spec.campaign);
}

/** Why `value` does not fit `kind`, or undefined when it does. */
export function kindProblem(kind: FieldKind, value: unknown, items?: FieldSpec['items']): string | undefined {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'url':
      return isWebUrl(value) ? undefined : 'must be an absolute http(s) URL';
    case 'integer':
    case 'money':
      return Number.isSafeInteger(value)
        ? undefined
        : kind === 'money'
          ? 'must be a whole number of minor units'
          : 'must be a whole number';
    case 'currency':
      return typeof value === 'string' && /^[A-Z]{3}$/.test(value) ? undefined : 'must be an ISO 4217 currency code';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid
        ? undefined
        : 'must be a date YYYY-MM-DD';
    case 'instant':
      return (value instanceof Date && !Number.isNaN(value.getTime())) ||
        (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)))
        ? undefined
        : 'must be an ISO 8601 instant';
    case 'list':
      if (!Array.isArray(value)) return 'must be a list';
      for (const [index, item] of value.entries()) {
        if (item === null || typeof item !== 'object') return `item ${index} must be an object`;
        for (const [name, itemKind] of Object.entries(items ?? {})) {
          const problem = kindProblem(itemKind, (item as Record<string, unknown>)[name]);
          if (problem) return `item ${index}: ${name} ${problem}`;
        }
      }
      return undefined;
  }
}

/** A link a customer may follow: http or https with a host; never `javascript:` or `data:`. */
function isWebUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}
