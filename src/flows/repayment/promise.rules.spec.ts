import fc from 'fast-check';
import { promiseHoldEnd, promiseStatus } from './promise.rules';

describe('promise to pay rules', () => {
  it('holds until midnight starting the day after the promised date plus grace, in the customer’s zone', () => {
    expect(promiseHoldEnd('2026-12-10', 3, 'Asia/Shanghai').toISOString()).toBe('2026-12-13T16:00:00.000Z');
    expect(promiseHoldEnd('2026-12-10', 0, 'America/New_York').toISOString()).toBe('2026-12-11T05:00:00.000Z');
  });

  it('crosses a DST change on the local calendar, not in 24-hour steps', () => {
    // New York leaves summer time on 1 November 2026: that midnight is 05:00Z, the one before 04:00Z.
    expect(promiseHoldEnd('2026-10-30', 1, 'America/New_York').toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(promiseHoldEnd('2026-10-30', 2, 'America/New_York').toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('is kept once the amount is paid, broken only after the hold, open in between', () => {
    const promise = { promisedOn: '2026-12-10', amount: 50_000 };
    const during = new Date('2026-12-12T00:00:00Z');
    const after = new Date('2026-12-13T16:00:00Z');
    expect(promiseStatus(promise, 49_999, during, 3, 'Asia/Shanghai')).toBe('open');
    expect(promiseStatus(promise, 49_999, after, 3, 'Asia/Shanghai')).toBe('broken');
    expect(promiseStatus(promise, 50_000, after, 3, 'Asia/Shanghai')).toBe('kept');
  });

  it('never breaks a promise before its hold ends, whatever was paid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 1e9 }),
        (grace, paid, ms) => {
          const end = promiseHoldEnd('2026-12-10', grace, 'Asia/Shanghai');
          const now = new Date(end.getTime() - 1 - ms);
          expect(promiseStatus({ promisedOn: '2026-12-10', amount: 50_000 }, paid, now, grace, 'Asia/Shanghai')).not.toBe(
            'broken',
          );
        },
      ),
    );
  });
});
