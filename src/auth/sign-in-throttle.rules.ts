/**
 * Sign-in that resists guessing: failures in a row — per account and per client address — lock
 * it once they reach `maxFailures`, for `lockSeconds`, doubling with every further failure up to
 * `maxLockSeconds`. A success starts the count over; so does a day without failures.
 */
export interface ThrottlePolicy {
  maxFailures: number;
  lockSeconds: number;
  maxLockSeconds: number;
}

/** Failures further apart than this are not "in a row". */
export const FORGET_AFTER_SECONDS = 24 * 60 * 60;

/** How long the `failures`-th failure in a row locks for (0: not yet). */
export function lockSecondsAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.maxFailures) return 0;
  const doublings = Math.min(failures - policy.maxFailures, 30);
  return Math.min(policy.lockSeconds * 2 ** doublings, policy.maxLockSeconds);
}

/** Locked now? A lock ends at its instant. */
export function isLocked(lockedUntil: Date | null | undefined, now: Date): lockedUntil is Date {
  return !!lockedUntil && lockedUntil.getTime() > now.getTime();
}

/** Whole seconds until the lock ends, for Retry-After (at least 1 while locked). */
export function retryAfterSeconds(lockedUntil: Date, now: Date): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}
