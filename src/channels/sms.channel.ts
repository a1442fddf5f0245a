/** Our vocabulary for an SMS's progress (a subset of contact_attempts.status). */
export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'canceled';

export interface SmsMessage {
  /** The contact attempt this send belongs to; it comes back in the status callback. */
  attemptId: string;
  /** E.164. */
  to: string;
  body: string;
  /** A specific sender; otherwise the Messaging Service picks one, or the configured number sends. */
  from?: string;
  /** A fraud alert: it goes on connections of its own, never queued behind a campaign's sends. */
  urgent?: boolean;
}

export interface SentSms {
  /** The provider's id for the message (Twilio: SM…). */
  providerRef: string;
  status: MessageStatus;
}

/** A send whose outcome Herald does not know, as the provider's records can be searched for it. */
export interface SentQuery {
  attemptId: string;
  /** E.164. */
  to: string;
  /** Sent no earlier than this. */
  since: Date;
}

/** A message or call in the provider's records that may be the one Herald is looking for. */
export interface ProviderRecord<Status> {
  providerRef: string;
  status: Status;
  createdAt: Date;
  /** An SMS's text, to tell it from other messages to the same number. */
  body?: string;
}

/** Sends one SMS or throws a `ChannelError`. Twilio or the sandbox, chosen by configuration. */
export abstract class SmsChannel {
  abstract send(message: SmsMessage): Promise<SentSms>;

  /** The provider's records of messages to `to` since `since` (throws a `ChannelError` if it cannot be asked). */
  abstract findSent(query: SentQuery): Promise<ProviderRecord<MessageStatus>[]>;
}
