import fc from 'fast-check';
import { parseClock, WeeklyWindows } from './weekly-windows';

const MONDAY = Date.parse('2026-03-02T00:00:00Z'); // local ms of Monday 00:00
const at = (day: number, hm: string) => MONDAY + (day - 1) * 86_400_000 + parseClock(hm)! * 60_000;

describe('WeeklyWindows', () => {
  it('reads HH:mm, with 24:00 as an end, and nothing else', () => {
    expect(parseClock('08:30')).toBe(510);
    expect(parseClock('24:00')).toBe(1440);
    for (const bad of ['8:30', '24:01', '12:60', '', null, 830]) expect(parseClock(bad)).toBeUndefined();
  });

  it('holds a daily window half-open: the start is in, the end is out', () => {
    const hours = WeeklyWindows.daily(8 * 60, 21 * 60);
    expect(hours.contains(at(3, '08:00'))).toBe(true);
    expect(hours.contains(at(3, '20:59'))).toBe(true);
    expect(hours.contains(at(3, '21:00'))).toBe(false);
    expect(hours.nextLocal(at(3, '21:00'))).toBe(at(4, '08:00'));
    expect(hours.nextLocal(at(7, '22:00'))).toBe(at(8, '08:00')); // Sunday night to Monday
  });

  it('wraps a window past midnight onto the next day, including Sunday into Monday', () => {
    const nights = WeeklyWindows.fromLocalWindows([{ start: '22:00', end: '06:00', days: [7] }])!;
    expect(nights.contains(at(7, '23:00'))).toBe(true);
    expect(nights.contains(at(8, '05:59'))).toBe(true);
    expect(nights.contains(at(8, '06:00'))).toBe(false);
    expect(nights.contains(at(1, '23:00'))).toBe(false);
  });

  it('limits a window to its weekdays and treats start = end as the whole day', () => {
    const weekdays = WeeklyWindows.fromLocalWindows([{ start: '18:00', end: '20:00', days: [1, 2, 3, 4, 5] }])!;
    expect(weekdays.nextLocal(at(5, '20:00'))).toBe(at(8, '18:00'));
    const sundays = WeeklyWindows.fromLocalWindows([{ start: '00:00', end: '00:00', days: [7] }])!;
    expect(sundays.contains(at(7, '00:00'))).toBe(true);
    expect(sundays.contains(at(7, '23:59'))).toBe(true);
    expect(sundays.contains(at(8, '00:00'))).toBe(false);
  });

  it('never reaches a window on no weekday', () => {
    expect(WeeklyWindows.fromLocalWindows([{ start: '09:00', end: '17:00', days: [] }])!.nextLocal(MONDAY)).toBe(Infinity);
  });

  it('refuses malformed profile windows as a whole', () => {
    expect(WeeklyWindows.fromLocalWindows([{ start: '9am', end: '17:00' }])).toBeUndefined();
    expect(WeeklyWindows.fromLocalWindows([{ start: '09:00', end: '17:00', days: [0] }])).toBeUndefined();
  });

  it('complements to exactly the times not in it', () => {
    const window = fc.record({
      start: fc.integer({ min: 0, max: 1439 }),
      end: fc.integer({ min: 0, max: 1439 }),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    });
    const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    fc.assert(
      fc.property(fc.array(window, { maxLength: 3 }), fc.integer({ min: 0, max: 14 * 1440 - 1 }), (windows, minute) => {
        const set = WeeklyWindows.fromLocalWindows(windows.map((w) => ({ start: hm(w.start), end: hm(w.end), days: w.days })))!;
        const local = MONDAY + minute * 60_000;
        expect(set.complement().contains(local)).toBe(!set.contains(local));
        const next = set.nextLocal(local);
        if (Number.isFinite(next)) expect(set.contains(next)).toBe(true);
        let earlier = false;
        for (let t = local; t < Math.min(next, local + 3 * 86_400_000); t += 60_000) earlier ||= set.contains(t);
        expect(earlier).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
