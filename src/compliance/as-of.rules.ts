/**
 * What a decision at an instant reads: the contact log, the consent ledger and the do-not-contact
 * list as they stood then (a past instant), or as they stand now (now, or a future instant — the
 * contacts not yet made cannot be known). The profile (zone, windows, mutes, addresses) has no
 * history and is always as it is now.
 */
export type HistoryStance = 'as_it_stood' | 'as_it_stands_now';

export interface AsOf {
  /** The instant the decision is about. */
  at: Date;
  history: HistoryStance;
  /** The records read are those up to this instant: `at` when past, else now. */
  historyUpTo: Date;
  profile: 'as_it_stands_now';
}

export function asOf(at: Date, now: Date): AsOf {
  const past = at.getTime() < now.getTime();
  return { at, history: past ? 'as_it_stood' : 'as_it_stands_now', historyUpTo: past ? at : now, profile: 'as_it_stands_now' };
}
