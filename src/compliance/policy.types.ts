import { LocalWindow } from '../customers/customer.entity';

export const PURPOSES = ['collections', 'service', 'fraud', 'marketing'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const CHANNELS = ['sms', 'email', 'call'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What the policy needs to know of a customer: where they live in time, and what they asked of us. */
export interface CustomerSnapshot {
  id: string;
  /** ISO 3166 alpha-2; selects the rule pack (see RulePacks.forCountry). */
  country: string;
  /** IANA name; an unknown name is read as the pack's fallback zone. */
  timezone: string;
  phone: string | null;
  email: string | null;
  contactWindow: LocalWindow | null;
  inconvenientTimes: readonly LocalWindow[];
  muteUntil: Date | null;
  marketingMuteUntil: Date | null;
}

/** One past contact as the caps count it. */
export interface ContactRecord {
  /** Epoch milliseconds. */
  at: number;
  purpose: Purpose;
  channel: Channel;
  /** A call answered by a person. */
  connected: boolean;
  /** A call in which the debt was discussed with the customer. */
  conversation: boolean;
  /** The fraud case (or other flow instance) the contact belonged to. */
  subjectRef: string | null;
}

/**
 * A customer's recent contacts, oldest first: every attempt that reached the provider (not
 * `failed`, not `canceled`) since `since`, which lies at least one look-back of the longest
 * cap before the decision instant.
 */
export interface ContactHistory {
  since: number;
  contacts: readonly ContactRecord[];
}

export type ConsentValue = 'granted' | 'revoked';

/** The latest ledger entry for one channel and scope. */
export interface ConsentMark {
  state: ConsentValue;
  at: Date;
  source: string;
}

/** `all` set to revoked is a ban on the channel; `marketing` is consent to promotions on it. */
export interface ChannelConsent {
  all: ConsentMark | null;
  marketing: ConsentMark | null;
}

export type ConsentLedgerState = Record<Channel, ChannelConsent>;

/** What the customer (and compliance) said about contacting them: the ledger and the list. */
export interface ConsentState extends ConsentLedgerState {
  doNotContact: { phone: boolean; email: boolean };
}

export interface ContactContext {
  /** The fraud case a fraud alert belongs to; the per-event cap counts its contacts. */
  fraudEventRef?: string;
  /** A critical fraud case may be called at any hour. */
  fraudCritical?: boolean;
  /** A deferral past this instant expires the task. */
  campaignEndsAt?: Date;
}

export const REASON_CODES = [
  'NO_ADDRESS',
  'DO_NOT_CONTACT',
  'OPTED_OUT',
  'NO_CONSENT',
  'MUTED',
  'MARKETING_MUTED',
  'QUIET_HOURS',
  'OUTSIDE_PREFERRED_WINDOW',
  'INCONVENIENT_TIME',
  'WEEKEND',
  'PUBLIC_HOLIDAY',
  'CAP_DAILY_TOTAL',
  'CAP_MARKETING_CALL_30D',
  'CAP_MARKETING_SMS_7D',
  'CAP_MARKETING_EMAIL_7D',
  'CAP_CN_CONNECTED_CALLS_DAY',
  'CAP_US_CALLS_7D',
  'CAP_US_CONVERSATION_LOCKOUT',
  'CAP_FRAUD_PER_EVENT',
  'NO_ALLOWED_TIME',
  'EXPIRED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type ReasonParams = Readonly<Record<string, string | number | boolean | null>>;

/** A rule that stood in the way, with the parameters it applied. */
export interface Reason {
  code: ReasonCode;
  params: ReasonParams;
  /** When this rule on its own would next allow the contact. */
  until?: Date;
  /** Only the customer can lift it (or, for NO_ALLOWED_TIME, a change of their profile). */
  final?: true;
  /** The rule allowed the asked instant but held back a later candidate while deferring. */
  deferral?: true;
}

export interface ContactDecision {
  allowed: boolean;
  reasons: Reason[];
  /** The earliest instant at which every rule allows the contact. */
  nextAllowedAt?: Date;
  /** Not allowed, and waiting will not change that. */
  final?: boolean;
}
