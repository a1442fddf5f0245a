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
}

export interface SentSms {
  /** The provider's id for the message (Twilio: SM…). */
  providerRef: string;
  status: MessageStatus;
}

/** Sends one SMS or throws a `ChannelError`. Twilio or the sandbox, chosen by configuration. */
export abstract class SmsChannel {
  abstract send(message: SmsMessage): Promise<SentSms>;
}
