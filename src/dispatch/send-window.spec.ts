import fc from 'fast-check';
import { SendWindow } from './send-window';

/**
 * Sends asking to leave at slots exactly 1/rate apart, each waking `late(i)` ms after the instant
 * it waited for (a timer's rounding, a busy event loop): when each left.
 */
function departures(perSecond: number, count: number, late: (i: number) => number): number[] {
  const window = new SendWindow(perSecond);
  const left: number[] = [];
  for (let i = 0; i < count; i++) {
    // Date.now() is in whole milliseconds.
    let at = Math.ceil((i * 1000) / perSecond + late(i));
    if (window.nextAt > at) at = Math.ceil(window.nextAt + late(i));
    window.depart(at);
    left.push(at);
  }
  return left;
}

/** The most sends that left within any one second. */
function busiestSecond(left: number[]): number {
  let most = 0;
  for (let i = 0, j = 0; i < left.length; i++) {
    while (left[i] - left[j] >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('SendWindow', () => {
  it('never lets a sender exceed its limit in any second, however late or bunched the sends wake', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.nat({ max: 2_000 }), { minLength: 1, maxLength: 50 }),
        (perSecond, lateness) => {
          const left = departures(perSecond, 3 * perSecond, (i) => lateness[i % lateness.length]);
          expect(busiestSecond(left)).toBeLessThanOrEqual(perSecond);
        },
      ),
    );
  });

  it('makes up for late wake-ups: 200/s with every send 1–2 ms late keeps 200/s', () => {
    const left = departures(200, 2_000, (i) => 1 + (i % 2));
    const rate = (left.length - 1) / ((left.at(-1)! - left[0]) / 1000);
    expect(rate).toBeGreaterThan(199.5);
    expect(busiestSecond(left)).toBe(200);
  });

  it('a rate under one a second allows one send per 1/rate', () => {
    const left = departures(0.5, 5, () => 0);
    expect(left.slice(1).map((at, i) => at - left[i])).toEqual([2000, 2000, 2000, 2000]);
  });
});
