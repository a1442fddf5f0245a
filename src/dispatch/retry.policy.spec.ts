import fc from 'fast-check';
import { DEFAULT_RETRY, nextRetryAt } from './retry.policy';

const now = new Date('2026-11-21T08:00:00Z');

describe('nextRetryAt', () => {
  it('gives up once the attempts reach the limit', () => {
    expect(nextRetryAt(DEFAULT_RETRY.maxAttempts, now, 0.5)).toBeUndefined();
    expect(nextRetryAt(DEFAULT_RETRY.maxAttempts - 1, now, 0.5)).toBeDefined();
  });

  it('waits at least a second and never more than the exponential ceiling or the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: DEFAULT_RETRY.maxAttempts - 1 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempts, random) => {
          const delay = nextRetryAt(attempts, now, random)!.getTime() - now.getTime();
          const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempts - 1));
          expect(delay).toBeGreaterThanOrEqual(1000);
          expect(delay).toBeLessThanOrEqual(Math.max(1000, ceiling));
        },
      ),
    );
  });

  it('spreads retries: the jitter decides the delay', () => {
    const early = nextRetryAt(3, now, 0.1)!.getTime();
    const late = nextRetryAt(3, now, 0.9)!.getTime();
    expect(late - early).toBe(Math.floor(120_000 * 0.9) - Math.floor(120_000 * 0.1));
  });
});
