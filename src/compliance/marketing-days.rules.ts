import { DayKind, isoDate } from './holiday.calendar';
import { ChannelPlan } from './rule-pack';
import { TimedRule } from './rule-evaluation';
import { DAY, LocalTimeSet } from './zone-timeline';

type MarketingDays = NonNullable<ChannelPlan['marketingDays']>;

/** Golden Week plus its weekends is the longest run of days off; a month covers any real calendar. */
const LONGEST_BREAK = 31;

/** Whether promotions stay off a day of this kind. */
export const isDayOff = (days: MarketingDays, kind: DayKind): boolean =>
  (kind === DayKind.Weekend && days.noWeekend) || (kind === DayKind.PublicHoliday && days.noPublicHoliday);

/** The local days on which promotions may go out. */
class MarketingDaySet implements LocalTimeSet {
  constructor(private readonly days: MarketingDays) {}

  nextLocal(localMs: number): number {
    const today = Math.floor(localMs / DAY);
    if (!isDayOff(this.days, this.days.calendar.kindOf(today))) return localMs;
    for (let day = today + 1; day <= today + LONGEST_BREAK; day++) {
      if (!isDayOff(this.days, this.days.calendar.kindOf(day))) return day * DAY;
    }
    return Infinity;
  }
}

const sets = new WeakMap<MarketingDays, MarketingDaySet>();

/** Optional: no promotions at weekends or on public holidays, working-day swaps honoured. */
export const marketingDaysRule: TimedRule = (e, t) => {
  const days = e.plan.marketingDays;
  if (!days) return undefined;
  const today = Math.floor(e.zone.localAt(t) / DAY);
  const kind = days.calendar.kindOf(today);
  if (!isDayOff(days, kind)) return undefined;
  let set = sets.get(days);
  if (!set) sets.set(days, (set = new MarketingDaySet(days)));
  const holiday = days.calendar.holidayName(today);
  return {
    code: kind === DayKind.Weekend ? 'WEEKEND' : 'PUBLIC_HOLIDAY',
    params: { date: isoDate(today), calendar: days.calendar.name, zone: e.zone.name, ...(holiday ? { holiday } : {}) },
    next: e.zone.earliestIn(t, set, e.horizon),
  };
};
