/**
 * Transient provider errors are retried with exponential backoff and full jitter, so a provider
 * outage is not met by every task at the same instant; past the limit the task fails.
 */
export interface RetrySettings {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 };

/** `attempts` is how many tries have been made, this one included; `random` is in [0, 1). */
export function nextRetryAt(attempts: number, now: Date, random: number, settings = DEFAULT_RETRY): Date | undefined {
  if (attempts >= settings.maxAttempts) return undefined;
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempts - 1));
  const delay = Math.max(1000, Math.floor(ceiling * random));
  return new Date(now.getTime() + delay);
}
