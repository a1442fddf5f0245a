import { DecideContactInput } from '../../src/compliance/contact.policy';
import { Channel, ConsentMark, ConsentState, ContactRecord, CustomerSnapshot, Purpose } from '../../src/compliance/policy.types';
import { DEFAULT_PACKS, PackName, RulePack, RulePackConfig } from '../../src/compliance/rule-pack';

const packs = new Map<string, RulePack>();

/** The default pack, or one changed by `change` (for tests of tightened packs). */
export function pack(name: PackName = 'cn', change?: (config: RulePackConfig) => void): RulePack {
  if (!change) {
    if (!packs.has(name)) packs.set(name, new RulePack(DEFAULT_PACKS[name]));
    return packs.get(name)!;
  }
  const config = structuredClone(DEFAULT_PACKS[name]);
  change(config);
  return new RulePack(config);
}

export const given = {
  customer(overrides: Partial<CustomerSnapshot> = {}): CustomerSnapshot {
    return {
      id: '00000000-0000-4000-8000-000000000001',
      country: 'CN',
      timezone: 'Asia/Shanghai',
      phone: '+8613800138000',
      email: 'li.lei@example.cn',
      contactWindow: null,
      inconvenientTimes: [],
      muteUntil: null,
      marketingMuteUntil: null,
      ...overrides,
    };
  },

  mark(state: ConsentMark['state'], at = '2026-01-01T00:00:00Z', source = 'api'): ConsentMark {
    return { state, at: new Date(at), source };
  },

  /** No ledger entries, not on the list; `marketing` grants marketing consent on every channel. */
  consent(options: { marketing?: boolean; overrides?: Partial<ConsentState> } = {}): ConsentState {
    const marketing = options.marketing ? given.mark('granted') : null;
    return {
      sms: { all: null, marketing },
      email: { all: null, marketing },
      call: { all: null, marketing },
      doNotContact: { phone: false, email: false },
      ...options.overrides,
    };
  },

  contact(at: string, overrides: Partial<ContactRecord> = {}): ContactRecord {
    return {
      at: Date.parse(at),
      purpose: 'collections',
      channel: 'call',
      connected: false,
      conversation: false,
      subjectRef: null,
      ...overrides,
    };
  },

  input(
    purpose: Purpose,
    channel: Channel,
    at: string,
    overrides: Partial<Omit<DecideContactInput, 'history'>> & { contacts?: ContactRecord[] } = {},
  ): DecideContactInput {
    const { contacts = [], ...rest } = overrides;
    return {
      customer: given.customer(),
      purpose,
      channel,
      at: new Date(at),
      history: { since: Date.parse(at) - 40 * 86_400_000, contacts: [...contacts].sort((a, b) => a.at - b.at) },
      consent: given.consent({ marketing: true }),
      pack: pack('cn'),
      ...rest,
    };
  },
};

let inserted = 0;

/** Inserts a customer with the policy's fields; returns its id. */
export async function insertCustomer(
  db: { query(sql: string, params: unknown[]): Promise<{ id: string }[]> },
  overrides: Partial<Omit<CustomerSnapshot, 'id'>> = {},
): Promise<string> {
  const c = { ...given.customer(), ...overrides };
  const [{ id }] = await db.query(
    `INSERT INTO customers (external_ref, full_name, phone, email, timezone, country, contact_window, inconvenient_times,
                            mute_until, marketing_mute_until)
     VALUES ($1, 'Test Customer', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      `POLICY-${process.pid}-${++inserted}-${Math.random().toString(36).slice(2, 8)}`,
      c.phone,
      c.email,
      c.timezone,
      c.country,
      c.contactWindow === null ? null : JSON.stringify(c.contactWindow),
      JSON.stringify(c.inconvenientTimes),
      c.muteUntil,
      c.marketingMuteUntil,
    ],
  );
  return id;
}

/** Inserts a row of the contact log. */
export async function insertAttempt(
  db: { query(sql: string, params: unknown[]): Promise<unknown> },
  customerId: string,
  record: Partial<ContactRecord> & { at: number },
  status = 'delivered',
): Promise<void> {
  const r = { ...given.contact(new Date(record.at).toISOString()), ...record };
  await db.query(
    `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status, connected, conversation, subject_ref, attempted_at)
     VALUES ($1, $2, $3, 'sandbox', $4, $5, $6, $7, $8)`,
    [customerId, r.purpose, r.channel, status, r.connected, r.conversation, r.subjectRef, new Date(r.at)],
  );
}
