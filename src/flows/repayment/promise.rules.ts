import { DateTime } from 'luxon';

export type PromiseStatus = 'open' | 'kept' | 'broken';

/**
 * Collections hold until the end of the promised day plus the grace days, in the customer's own
 * zone: a promise for the 10th with 3 days' grace holds until midnight starting the 14th.
 */
export function promiseHoldEnd(promisedOn: string, graceDays: number, zone: string): Date {
  return DateTime.fromISO(promisedOn, { zone })
    .plus({ days: graceDays + 1 })
    .startOf('day')
    .toJSDate();
}

/** Where a promise stands at `now`, given what was paid since it was made. */
export function promiseStatus(
  promise: { promisedOn: string; amount: number },
  paidSince: number,
  now: Date,
  graceDays: number,
  zone: string,
): PromiseStatus {
  if (paidSince >= promise.amount) return 'kept';
  return now.getTime() >= promiseHoldEnd(promise.promisedOn, graceDays, zone).getTime() ? 'broken' : 'open';
}
