import { ProviderRecord, SentQuery } from './sms.channel';

/** Our vocabulary for a call's progress (a subset of contact_attempts.status). */
export type CallStatus = 'pending' | 'ringing' | 'in_progress' | 'completed' | 'busy' | 'failed' | 'no_answer' | 'canceled';

export interface OutboundCall {
  /** The contact attempt this call belongs to; it comes back in the status callbacks. */
  attemptId: string;
  /** E.164. */
  to: string;
  /** What the call does once answered, rendered from the voice template. */
  twiml: string;
  /** Ask the provider to tell a person from an answering machine (Twilio AMD). */
  machineDetection?: boolean;
  /** A fraud alert: it goes on connections of its own, never queued behind a campaign's calls. */
  urgent?: boolean;
}

export interface PlacedCall {
  /** The provider's id for the call (Twilio: CA…). */
  providerRef: string;
  status: CallStatus;
}

/** Places one outbound call or throws a `ChannelError`. Twilio or the sandbox, chosen by configuration. */
export abstract class VoiceChannel {
  abstract call(call: OutboundCall): Promise<PlacedCall>;

  /** The provider's records of calls to `to` since `since` (throws a `ChannelError` if it cannot be asked). */
  abstract findPlaced(query: SentQuery): Promise<ProviderRecord<CallStatus>[]>;
}
