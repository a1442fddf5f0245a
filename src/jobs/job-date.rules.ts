import { DateTime } from 'luxon';

/** How far from today a job may be run for: a missed week caught up, or a week ahead queued. */
export const JOB_DATE_REACH_DAYS = 7;

/**
 * Why a job may not run for `date` (YYYY-MM-DD) at `now`, or undefined when it may. "Today" is
 * the UTC date of `now`; customers' own dates lie within a day of it.
 */
export function jobDateProblem(date: string, now: Date): string | undefined {
  const day = DateTime.fromISO(date, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !day.isValid) return 'must be a date, YYYY-MM-DD';
  const today = DateTime.fromJSDate(now, { zone: 'utc' }).startOf('day');
  const apart = Math.abs(day.diff(today, 'days').days);
  if (apart > JOB_DATE_REACH_DAYS) {
    return `must be within ${JOB_DATE_REACH_DAYS} days of today (${today.toISODate()})`;
  }
  return undefined;
}
