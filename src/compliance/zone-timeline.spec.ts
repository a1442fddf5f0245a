import fc from 'fast-check';
import { DateTime } from 'luxon';
import { WeeklyWindows } from './weekly-windows';
import { HOUR, isoWeekday, MINUTE, ZoneTimeline } from './zone-timeline';

const ZONES = ['America/New_York', 'Europe/London', 'Asia/Shanghai', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata'];
const instant = fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') });

describe('ZoneTimeline', () => {
  it('knows unknown zones', () => {
    expect(ZoneTimeline.for('Mars/Olympus_Mons')).toBeUndefined();
    expect(ZoneTimeline.for('Asia/Shanghai')?.name).toBe('Asia/Shanghai');
  });

  it('agrees with luxon on the offset at any instant', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, (zone, ms) => {
        expect(ZoneTimeline.for(zone)!.offsetAt(ms)).toBe(DateTime.fromMillis(ms, { zone }).offset * MINUTE);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['America/New_York', '2026-03-08T06:59:59.999Z', -5],
    ['America/New_York', '2026-03-08T07:00:00.000Z', -4],
    ['America/New_York', '2026-11-01T05:59:59.999Z', -4],
    ['America/New_York', '2026-11-01T06:00:00.000Z', -5],
    ['Europe/London', '2026-03-29T00:59:59.999Z', 0],
    ['Europe/London', '2026-03-29T01:00:00.000Z', 1],
    ['Europe/London', '2026-10-25T01:00:00.000Z', 0],
  ])('changes offset exactly at the transition: %s %s', (zone, at, hours) => {
    expect(ZoneTimeline.for(zone)!.offsetAt(Date.parse(at))).toBe(hours * HOUR);
  });

  it('reaches a wall-clock time inside a spring-forward gap at the transition itself', () => {
    const ny = ZoneTimeline.for('America/New_York')!;
    // 02:30 does not exist on 2026-03-08 in New York: 03:00 EDT (07:00Z) is the first instant at or after it.
    expect(
      new Date(ny.earliestAtLocal(Date.parse('2026-03-08T05:00:00Z'), Date.parse('2026-03-08T02:30:00Z'))).toISOString(),
    ).toBe('2026-03-08T07:00:00.000Z');
  });

  it('reaches a wall-clock time in the repeated hour at its first occurrence', () => {
    const ny = ZoneTimeline.for('America/New_York')!;
    const first = ny.earliestAtLocal(Date.parse('2026-11-01T04:00:00Z'), Date.parse('2026-11-01T01:30:00Z'));
    expect(new Date(first).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('finds the earliest instant in a local pattern, matching a minute-by-minute search', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        instant,
        fc.integer({ min: 0, max: 47 }),
        fc.integer({ min: 1, max: 47 }),
        (zone, from, startHalfHour, lengthHalfHours) => {
          const timeline = ZoneTimeline.for(zone)!;
          const start = startHalfHour * 30;
          const windows = WeeklyWindows.daily(start, (start + lengthHalfHours * 30) % 1440);
          const found = timeline.earliestIn(from, windows, from + 3 * 24 * HOUR);
          const inWindow = (ms: number) => {
            const local = DateTime.fromMillis(ms, { zone });
            const minute = local.hour * 60 + local.minute;
            const end = start + lengthHalfHours * 30;
            return end <= 1440 ? minute >= start && minute < end : minute >= start || minute < end - 1440;
          };
          expect(inWindow(found)).toBe(true);
          // Every minute boundary before it is outside (the first candidate is `from` itself).
          const firstMinute = Math.ceil(from / MINUTE) * MINUTE;
          if (found > from) expect(inWindow(from)).toBe(false);
          let earlier = false;
          for (let t = firstMinute; t < found; t += MINUTE) earlier ||= inWindow(t);
          expect(earlier).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('numbers ISO weekdays from local day numbers', () => {
    expect(isoWeekday(0)).toBe(4); // 1970-01-01, a Thursday
    expect(isoWeekday(Math.floor(Date.parse('2026-03-08T00:00:00Z') / 86_400_000))).toBe(7);
    expect(isoWeekday(-1)).toBe(3);
  });
});
