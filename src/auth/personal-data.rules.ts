import { maskAddress, maskEmail, maskName, maskPhone } from '../common/personal-data.mask';
import { Role } from './role';

/**
 * Who sees which personal data in clear — the one place it is decided, for the API (routes
 * declare `@Discloses`) and the console (its services call `disclose`). Everything not listed
 * here is masked; a list never shows a field in clear a detail would not.
 */

/** A list shows many people (search results, pages); a detail one, opened on purpose. */
export type View = 'list' | 'detail';

type Masker = (value: unknown) => unknown;
const text =
  (mask: (value: string) => string): Masker =>
  (value) =>
    mask(String(value));
/** Not shown at all: no mask would leave anything useful. */
const withheld: Masker = () => null;

/** Every subject of a response that carries personal data, its personal fields, and the mask of each. */
export const PERSONAL_FIELDS = {
  customer: {
    fullName: text(maskName),
    phone: text(maskPhone),
    email: text(maskEmail),
    creditScore: withheld,
  },
  /** What the sandbox recorded instead of sending: the recipient and the words. */
  sandboxMessage: {
    toAddress: text(maskAddress),
    fromAddress: text(maskAddress),
    subject: withheld,
    body: withheld,
    html: withheld,
  },
  doNotContact: { value: text(maskAddress) },
} as const satisfies Record<string, Record<string, Masker>>;

export type Subject = keyof typeof PERSONAL_FIELDS;
type FieldOf<S extends Subject> = keyof (typeof PERSONAL_FIELDS)[S] & string;

interface Clearance<S extends Subject> {
  fields: readonly FieldOf<S>[];
  /** The job that needs these fields in clear. */
  because: string;
}
type Clearances = { [S in Subject]?: { [V in View]?: Clearance<S> } };

const EVERY = <S extends Subject>(subject: S) => Object.keys(PERSONAL_FIELDS[subject]) as FieldOf<S>[];

/** The fields each role sees in clear, by subject and view, with the job that needs them. */
export const IN_CLEAR: Record<Role, Clearances> = {
  admin: {
    customer: { detail: { fields: EVERY('customer'), because: 'correcting a profile on request' } },
    sandboxMessage: { detail: { fields: EVERY('sandboxMessage'), because: 'checking what a test send said, to whom' } },
    doNotContact: { detail: { fields: ['value'], because: 'the entry just added or removed' } },
  },
  ops: {
    customer: {
      detail: { fields: EVERY('customer'), because: 'answering a complaint: why this person was (or was not) contacted' },
    },
    sandboxMessage: { detail: { fields: EVERY('sandboxMessage'), because: 'checking what a test send said, to whom' } },
    doNotContact: { detail: { fields: ['value'], because: 'the entry just added or removed' } },
  },
  campaign_manager: {
    customer: { detail: { fields: ['creditScore'], because: 'checking a customer against a segment rule' } },
    sandboxMessage: { detail: { fields: EVERY('sandboxMessage'), because: 'checking what a template sent in the sandbox' } },
  },
  // Only customers of the agent's tasks reach it at all (agent-access.rules.ts).
  agent: {
    customer: { detail: { fields: ['fullName'], because: 'asking for the customer by name on the call in hand' } },
  },
  // Core systems post events and read decisions; nothing they read names a person.
  integration: {},
};

/** The fields of `subject` the role sees in clear in this view. */
export function clearFields(subject: Subject, view: View, role: Role | undefined): readonly string[] {
  return (role && IN_CLEAR[role][subject]?.[view]?.fields) || [];
}

/** The record as the role may see it: personal fields it may not see in clear are masked (absent ones stay absent). */
export function disclose<T extends object>(subject: Subject, view: View, role: Role | undefined, record: T): T {
  const clear = clearFields(subject, view, role);
  const out = { ...record } as Record<string, unknown>;
  for (const [field, mask] of Object.entries(PERSONAL_FIELDS[subject]) as [string, Masker][]) {
    if (!clear.includes(field) && out[field] !== null && out[field] !== undefined) out[field] = mask(out[field]);
  }
  return out as T;
}

/** One field as the role may see it, for views that name it differently (the agent's queue: `customerName`). */
export function discloseField<S extends Subject>(
  subject: S,
  field: FieldOf<S>,
  view: View,
  role: Role | undefined,
  value: string,
): string;
export function discloseField<S extends Subject>(
  subject: S,
  field: FieldOf<S>,
  view: View,
  role: Role | undefined,
  value: string | null,
): string | null;
export function discloseField<S extends Subject>(
  subject: S,
  field: FieldOf<S>,
  view: View,
  role: Role | undefined,
  value: string | null,
): string | null {
  if (value === null || clearFields(subject, view, role).includes(field)) return value;
  return (PERSONAL_FIELDS[subject] as Record<string, Masker>)[field](value) as string | null;
}
