import fc from 'fast-check';
import { isLocked, lockSecondsAfter, retryAfterSeconds, ThrottlePolicy } from './sign-in-throttle.rules';

const POLICY: ThrottlePolicy = { maxFailures: 5, lockSeconds: 60, maxLockSeconds: 3600 };

describe('sign-in throttling', () => {
  it('locks at the fifth failure in a row for a minute, doubling with each further one up to an hour', () => {
    expect([1, 2, 3, 4].map((n) => lockSecondsAfter(n, POLICY))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 11].map((n) => lockSecondsAfter(n, POLICY))).toEqual([60, 120, 240, 480, 960, 1920, 3600]);
    expect(lockSecondsAfter(1_000_000, POLICY)).toBe(3600);
  });

  it('never shortens a lock as failures grow, and never passes the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 500 }),
        (maxFailures, lockSeconds, failures) => {
          const policy = { maxFailures, lockSeconds, maxLockSeconds: lockSeconds * 100 };
          const now = lockSecondsAfter(failures, policy);
          expect(lockSecondsAfter(failures + 1, policy)).toBeGreaterThanOrEqual(now);
          expect(now).toBeLessThanOrEqual(policy.maxLockSeconds);
          expect(now > 0).toBe(failures >= maxFailures);
        },
      ),
    );
  });

  it('ends a lock at its instant and rounds the wait up', () => {
    const now = new Date('2026-11-23T02:00:00.000Z');
    expect(isLocked(new Date('2026-11-23T02:00:00.500Z'), now)).toBe(true);
    expect(isLocked(now, now)).toBe(false);
    expect(isLocked(null, now)).toBe(false);
    expect(retryAfterSeconds(new Date('2026-11-23T02:00:00.500Z'), now)).toBe(1);
    expect(retryAfterSeconds(new Date('2026-11-23T02:01:00.000Z'), now)).toBe(60);
  });
});
