export interface EventRetrySettings {
  /** The wait after the first failure; it doubles with every further one. */
  baseMs: number;
  /** The longest wait between two tries. */
  maxMs: number;
  /** How long a delivery is tried before it is parked for ops. */
  forMs: number;
}

export type RetryDecision = { kind: 'retry'; at: Date } | { kind: 'park' };

/**
 * After the `attempts`-th failed try of a delivery first due at `since`: the next try, backing
 * off exponentially up to `maxMs`, or parked once `forMs` have passed since it was first due.
 */
export function afterFailure(attempts: number, since: Date, now: Date, settings: EventRetrySettings): RetryDecision {
  const wait = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  const at = new Date(now.getTime() + wait);
  return at.getTime() - since.getTime() > settings.forMs ? { kind: 'park' } : { kind: 'retry', at };
}
