import { Customer, Locale } from '../customers/customer.entity';

export const TEMPLATE_CHANNELS = ['sms', 'email', 'voice', 'agent'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];
export const TEMPLATE_PURPOSES = ['collections', 'service', 'fraud', 'marketing', 'system'] as const;
export type TemplatePurpose = (typeof TEMPLATE_PURPOSES)[number];

/** What a template file says about itself in its front matter. */
export interface TemplateHeader {
  purpose: TemplatePurpose;
  channel: TemplateChannel;
  locale: Locale;
  marketing: boolean;
  description: string;
  /** Dotted paths that must have a value for the template to render (`customer.dueDate`, `txn.amount`). */
  fields: string[];
  /** Dotted paths the template uses only inside `{{#if path}}`: it renders without them. */
  optional: string[];
  /** Voice only: how many digits the IVR call gathers; absent, the call only speaks. */
  gatherDigits?: number;
  /** Voice only: seconds to wait for the first digit. */
  gatherTimeout?: number;
}

/** Identifies one file of the library: a template key in one locale for one channel. */
export interface VariantId {
  key: string;
  locale: Locale;
  channel: TemplateChannel;
}

/**
 * The customer as templates see it: any part of the profile, the time zone always (dates and
 * times are shown in it). The dispatcher passes the `Customer` entity itself.
 */
export type TemplateCustomer = Partial<Customer> & Pick<Customer, 'timezone'>;

/** Per-message values, nested as templates name them: `{ txn: { amount: 123450, … } }`. */
export type MessageVariables = Record<string, unknown>;

export interface RenderRequest extends VariantId {
  /** A pinned version (content hash); absent, the version loaded from the files now. */
  version?: string;
  customer: TemplateCustomer;
  variables?: MessageVariables;
  /** Marketing e-mail: the one-click unsubscribe URL under PUBLIC_BASE_URL, carrying the caller's token. */
  unsubscribeUrl?: string;
  /** Voice with a gather: where Twilio posts the digits, under PUBLIC_BASE_URL. */
  gatherActionUrl?: string;
}

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface RenderedSms {
  body: string;
  encoding: SmsEncoding;
  segments: number;
  /** Unicode characters the customer reads (the rule pack's limits count these). */
  characters: number;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface RenderedVoice {
  twiml: string;
}

export interface AgentObjection {
  objection: string;
  answer: string;
}

export interface AgentDisposition {
  code: string;
  label: string;
}

export interface RenderedAgentScript {
  greeting: string;
  verification: string[];
  message: string;
  objections: AgentObjection[];
  dispositions: AgentDisposition[];
}

export interface RenderedMessage extends VariantId {
  version: string;
  purpose: TemplatePurpose;
  marketing: boolean;
  sms?: RenderedSms;
  email?: RenderedEmail;
  voice?: RenderedVoice;
  agent?: RenderedAgentScript;
}
