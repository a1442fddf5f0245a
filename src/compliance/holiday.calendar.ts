import { getDayDetail } from 'chinese-days';
import { DAY, isoWeekday } from './zone-timeline';

export const HOLIDAY_CALENDARS = ['cn-mainland', 'none'] as const;
export type HolidayCalendarName = (typeof HOLIDAY_CALENDARS)[number];

export enum DayKind {
  Workday = 0,
  /** A Saturday or Sunday that is not worked (a swapped working Saturday is a workday). */
  Weekend = 1,
  PublicHoliday = 2,
}

const WEEKDAY_NAMES = new Set(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
const BLOCK = 64;

/** What kind of day a local calendar date is, by local day number (days since 1970-01-01). */
export interface HolidayCalendar {
  readonly name: HolidayCalendarName;
  kindOf(day: number): DayKind;
  /** The holiday's English name, for explanations. */
  holidayName(day: number): string | undefined;
}

export const isoDate = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/**
 * Mainland China's public holidays and working-day swaps (调休) as the State Council publishes
 * them, from the `chinese-days` package — kept current by updating the package, never typed here.
 * Years the package does not cover yet read as plain weeks.
 */
class MainlandChinaCalendar implements HolidayCalendar {
  readonly name = 'cn-mainland';
  private readonly blocks = new Map<number, Uint8Array>();
  private readonly names = new Map<number, string>();

  kindOf(day: number): DayKind {
    const index = Math.floor(day / BLOCK);
    let block = this.blocks.get(index);
    if (!block) {
      block = this.load(index);
      this.blocks.set(index, block);
    }
    return block[day - index * BLOCK] as DayKind;
  }

  holidayName(day: number): string | undefined {
    return this.kindOf(day) === DayKind.PublicHoliday ? this.names.get(day) : undefined;
  }

  private load(index: number): Uint8Array {
    const block = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      const day = index * BLOCK + i;
      const detail = getDayDetail(isoDate(day));
      if (detail.work) continue;
      const name = detail.name.split(',')[0];
      if (WEEKDAY_NAMES.has(name)) {
        block[i] = DayKind.Weekend;
      } else {
        block[i] = DayKind.PublicHoliday;
        this.names.set(day, name);
      }
    }
    return block;
  }
}

/** Saturdays and Sundays, and no public holidays. */
class PlainWeekCalendar implements HolidayCalendar {
  readonly name = 'none';

  kindOf(day: number): DayKind {
    return isoWeekday(day) >= 6 ? DayKind.Weekend : DayKind.Workday;
  }

  holidayName(): undefined {
    return undefined;
  }
}

const CALENDARS: Record<HolidayCalendarName, HolidayCalendar> = {
  'cn-mainland': new MainlandChinaCalendar(),
  none: new PlainWeekCalendar(),
};

export function holidayCalendar(name: HolidayCalendarName): HolidayCalendar {
  return CALENDARS[name];
}
