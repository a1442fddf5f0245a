/**
 * What Herald tells the systems around it. Each event's `data` holds ids, codes, amounts and
 * times — never a name, phone number or e-mail address — so every subscriber may see it whole.
 */
export const EVENT_TYPES = [
  'contact.sent',
  'contact.delivered',
  'contact.failed',
  'consent.changed',
  'fraud_case.opened',
  'fraud_case.updated',
  'fraud_case.closed',
  'promise_to_pay.made',
  'promise_to_pay.broken',
  'payment.recorded',
  /** The core system's card-hold notices (hold, release, block): `data.event` says which. */
  'card.notice',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** A fact to report, written in the transaction of the fact. */
export interface NewEvent {
  type: EventType;
  /** Events of one customer reach each subscriber in the order they happened. */
  customerId: string | null;
  occurredAt: Date;
  data: Record<string, unknown>;
}
