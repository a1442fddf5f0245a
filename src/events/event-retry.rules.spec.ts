import { afterFailure } from './event-retry.rules';

const HOUR = 3_600_000;
const settings = { baseMs: 1_000, maxMs: 10 * 60_000, forMs: 24 * HOUR };
const since = new Date('2026-11-23T00:00:00Z');
const later = (ms: number) => new Date(since.getTime() + ms);

describe('retrying an event delivery', () => {
  it('backs off exponentially from the base, up to the longest wait', () => {
    expect(afterFailure(1, since, since, settings)).toEqual({ kind: 'retry', at: later(1_000) });
    expect(afterFailure(2, since, later(1_000), settings)).toEqual({ kind: 'retry', at: later(3_000) });
    expect(afterFailure(4, since, later(10_000), settings)).toEqual({ kind: 'retry', at: later(18_000) });
    expect(afterFailure(40, since, later(HOUR), settings)).toEqual({ kind: 'retry', at: later(HOUR + 10 * 60_000) });
  });

  it('parks a delivery whose next try would fall past its 24 h', () => {
    expect(afterFailure(200, since, later(24 * HOUR - 10 * 60_000), settings)).toEqual({ kind: 'retry', at: later(24 * HOUR) });
    expect(afterFailure(200, since, later(24 * HOUR - 10 * 60_000 + 1), settings)).toEqual({ kind: 'park' });
  });
});
