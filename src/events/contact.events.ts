import { NewEvent } from './event-types';

/** What a contact event says: ids, the purpose and channel, and the provider's word — no address. */
export interface ContactFacts {
  customerId: string;
  taskId: string | null;
  attemptId: string;
  campaignId: string | null;
  purpose: string;
  channel: string;
  /** The attempt's status as the provider put it (sent, delivered, undelivered, busy…). */
  status: string;
  providerRef?: string | null;
  errorCode?: string | null;
  /** Why the contact failed, as the contact log's reason code (PROVIDER_PERMANENT, RETRIES_EXHAUSTED…). */
  reason?: string;
}

export function contactEvent(
  type: 'contact.sent' | 'contact.delivered' | 'contact.failed',
  facts: ContactFacts,
  at: Date,
): NewEvent {
  return { type, customerId: facts.customerId, occurredAt: at, data: { ...facts } };
}

const REACHED = new Set(['delivered', 'completed']);
const NOT_REACHED = new Set(['undelivered', 'failed', 'busy', 'no_answer', 'canceled']);

/**
 * What a provider's report tells subscribers: the message or call reached the customer, or it
 * did not — once, when the attempt's status first becomes final (a report repeated changes nothing).
 */
export function reportedContact(previous: string, standing: string): 'contact.delivered' | 'contact.failed' | undefined {
  if (previous === standing) return undefined;
  if (REACHED.has(standing)) return 'contact.delivered';
  if (NOT_REACHED.has(standing)) return 'contact.failed';
  return undefined;
}
