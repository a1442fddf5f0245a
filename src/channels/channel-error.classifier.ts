import { getSystemErrorName } from 'node:util';
import twilio from 'twilio';
import { ChannelError, ChannelErrorKind } from './channel.error';
import { TWILIO_OPTED_OUT_CODES, TWILIO_TRANSIENT_CODES } from './twilio-error-codes';

/** Network failures that happen before a request is written: nothing can have been sent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What a Twilio error code means for a retry; also for the `ErrorCode` of a status callback. */
export function twilioErrorKind(code: number): ChannelErrorKind {
  if (TWILIO_OPTED_OUT_CODES.has(code)) return 'opted_out';
  return TWILIO_TRANSIENT_CODES.has(code) ? 'transient' : 'permanent';
}

/** Whatever the Twilio SDK threw, as a `ChannelError`. */
export function twilioChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  if (error instanceof twilio.RestException) {
    const providerCode = String(error.code ?? `HTTP_${error.status}`);
    if (error.status === 429) return new ChannelError('transient', providerCode, error.message);
    // A 5xx may come after the message was created (a gateway timing out on the way back): only
    // the provider's own records can say whether it went.
    if (error.status >= 500) return new ChannelError('transient', providerCode, error.message, true);
    return new ChannelError(error.code ? twilioErrorKind(error.code) : 'permanent', providerCode, error.message);
  }
  return networkError(error);
}

/** Whatever nodemailer threw, as a `ChannelError`: 4xx replies are transient, 5xx permanent. */
export function smtpChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const { responseCode, code, message } = error as { responseCode?: unknown; code?: unknown; message?: unknown };
  if (typeof responseCode === 'number') {
    return new ChannelError(responseCode >= 500 ? 'permanent' : 'transient', String(responseCode), String(message));
  }
  // Refused before any reply: an address nodemailer cannot use, a message it cannot build, no credentials.
  if (code === 'EENVELOPE' || code === 'EMESSAGE' || code === 'EAUTH') {
    return new ChannelError('permanent', code, String(message));
  }
  return networkError(error);
}

function networkError(error: unknown): ChannelError {
  const { code, errno, message } = error as { code?: unknown; errno?: unknown; message?: unknown };
  // nodemailer replaces the system's code with its own (ESOCKET) but keeps the errno.
  const system = typeof errno === 'number' && errno < 0 ? getSystemErrorName(errno) : undefined;
  const name = [code, system].find((value): value is string => typeof value === 'string' && NOT_SENT.has(value));
  if (name) return new ChannelError('transient', name, String(message));
  return new ChannelError('transient', typeof code === 'string' ? code : undefined, String(message ?? error), true);
}
