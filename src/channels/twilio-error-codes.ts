/**
 * The Twilio error codes Herald acts on or produces (https://www.twilio.com/docs/api/errors), by
 * name: what a retry, an opt-out and the sandbox's refusals read, in one place.
 */
export const TWILIO_ERROR = {
  SMS_RATE_LIMIT: 14107,
  TOO_MANY_REQUESTS: 20429,
  INVALID_TO_NUMBER: 21211,
  REGION_NOT_ENABLED: 21408,
  /** The recipient replied STOP to this sender: their word, recorded as an opt-out. */
  UNSUBSCRIBED_RECIPIENT: 21610,
  TOO_MANY_QUEUED: 21611,
  NOT_REACHABLE_BY_SMS: 21612,
  NOT_A_MOBILE_NUMBER: 21614,
  QUEUE_OVERFLOW: 30001,
  /** Switched off, out of coverage. */
  UNREACHABLE_HANDSET: 30003,
  UNKNOWN_ERROR: 30008,
  CARRIER_CONGESTION: 30017,
  /** US A2P 10DLC throughput exceeded. */
  A2P_THROUGHPUT_EXCEEDED: 30022,
} as const;

/** Codes that say "not now" rather than "never". */
export const TWILIO_TRANSIENT_CODES: ReadonlySet<number> = new Set([
  TWILIO_ERROR.SMS_RATE_LIMIT,
  TWILIO_ERROR.TOO_MANY_REQUESTS,
  TWILIO_ERROR.TOO_MANY_QUEUED,
  TWILIO_ERROR.QUEUE_OVERFLOW,
  TWILIO_ERROR.UNREACHABLE_HANDSET,
  TWILIO_ERROR.UNKNOWN_ERROR,
  TWILIO_ERROR.CARRIER_CONGESTION,
  TWILIO_ERROR.A2P_THROUGHPUT_EXCEEDED,
]);

/** Codes that say the recipient opted out at the provider. */
export const TWILIO_OPTED_OUT_CODES: ReadonlySet<number> = new Set([TWILIO_ERROR.UNSUBSCRIBED_RECIPIENT]);
