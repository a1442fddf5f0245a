import { LocalWindow } from '../customers/customer.entity';
import { DAY, isoWeekday, LocalTimeSet, MINUTE } from './zone-timeline';

const WEEK = 7 * DAY;
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes after midnight of `HH:mm` (`24:00` allowed), or undefined when malformed. */
export function parseClock(text: unknown): number | undefined {
  if (typeof text !== 'string' || !HH_MM.test(text)) return undefined;
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

/**
 * A weekly pattern of local time, as merged half-open intervals in ms since Monday 00:00:
 * "08:00–21:00 every day", or a customer's "weekdays 18:00–20:00".
 */
export class WeeklyWindows implements LocalTimeSet {
  /** Flat [start0, end0, start1, end1, …], ascending, non-overlapping, non-touching. */
  private readonly bounds: readonly number[];

  private constructor(bounds: number[]) {
    this.bounds = bounds;
  }

  /** The same local window every day, in minutes after midnight; end ≤ start wraps past midnight. */
  static daily(startMinute: number, endMinute: number): WeeklyWindows {
    return WeeklyWindows.union([1, 2, 3, 4, 5, 6, 7].map((day) => [day, startMinute, endMinute] as const));
  }

  /**
   * The union of windows named on a profile (`days` limits one to some weekdays; a window that
   * wraps past midnight belongs to the day it starts on). Undefined when one is malformed.
   */
  static fromLocalWindows(windows: readonly LocalWindow[]): WeeklyWindows | undefined {
    const parts: (readonly [number, number, number])[] = [];
    for (const window of windows) {
      const start = parseClock(window?.start);
      const end = parseClock(window?.end);
      const days = window?.days ?? [1, 2, 3, 4, 5, 6, 7];
      if (start === undefined || end === undefined || !Array.isArray(days)) return undefined;
      for (const day of days) {
        if (!Number.isInteger(day) || day < 1 || day > 7) return undefined;
        parts.push([day, start, end]);
      }
    }
    return WeeklyWindows.union(parts);
  }

  /** Each part is (ISO weekday, start minute, end minute); start = end means the whole day. */
  private static union(parts: readonly (readonly [number, number, number])[]): WeeklyWindows {
    const raw: [number, number][] = [];
    for (const [day, start, end] of parts) {
      const base = (day - 1) * DAY;
      const from = base + start * MINUTE;
      const to = base + (end > start ? end : end + 24 * 60) * MINUTE;
      if (to <= WEEK) raw.push([from, to]);
      else raw.push([from, WEEK], [0, to - WEEK]); // Sunday night into Monday morning
    }
    raw.sort((a, b) => a[0] - b[0]);
    const bounds: number[] = [];
    for (const [from, to] of raw) {
      const last = bounds.length - 1;
      if (last > 0 && from <= bounds[last]) bounds[last] = Math.max(bounds[last], to);
      else bounds.push(from, to);
    }
    return new WeeklyWindows(bounds);
  }

  /** Every local time not in this pattern. */
  complement(): WeeklyWindows {
    const bounds: number[] = [];
    let cursor = 0;
    for (let i = 0; i < this.bounds.length; i += 2) {
      if (this.bounds[i] > cursor) bounds.push(cursor, this.bounds[i]);
      cursor = this.bounds[i + 1];
    }
    if (cursor < WEEK) bounds.push(cursor, WEEK);
    return new WeeklyWindows(bounds);
  }

  contains(localMs: number): boolean {
    return this.nextLocal(localMs) === localMs;
  }

  nextLocal(localMs: number): number {
    const bounds = this.bounds;
    if (bounds.length === 0) return Infinity;
    const day = Math.floor(localMs / DAY);
    const weekStart = (day - isoWeekday(day) + 1) * DAY;
    const position = localMs - weekStart;
    for (let i = 0; i < bounds.length; i += 2) {
      if (position < bounds[i + 1]) return position >= bounds[i] ? localMs : weekStart + bounds[i];
    }
    return weekStart + WEEK + bounds[0];
  }
}
