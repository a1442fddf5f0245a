/**
 * - `transient`: may succeed later (rate limits, provider outages, timeouts); retry with backoff.
 * - `permanent`: will fail again (invalid or unreachable number, rejected address); never retry.
 * - `opted_out`: the recipient opted out at the provider (Twilio 21610); record it as an opt-out.
 */
export type ChannelErrorKind = 'transient' | 'permanent' | 'opted_out';

/** Why a provider did not take a message, in our vocabulary. */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';

  constructor(
    readonly kind: ChannelErrorKind,
    /** The provider's own code: a Twilio error code, an SMTP reply code, `HTTP_503`, `ETIMEDOUT`. */
    readonly providerCode: string | undefined,
    message: string,
    /**
     * The request may have reached the provider before the failure (a timeout, a dropped
     * connection): the message may be on its way. A retry could send it twice; leave the attempt
     * `unknown` for the status callback or ops to settle.
     */
    readonly ambiguous = false,
  ) {
    super(message);
  }
}
