import { CHANNEL_BITS, CompiledCap, PURPOSE_BITS } from './rule-pack';
import { Evaluation, Violation } from './rule-evaluation';
import { DAY } from './zone-timeline';

/**
 * A cap over a rolling window or over local calendar days. Over the cap, the contact waits
 * until enough counted contacts have left the window — the history does not grow meanwhile,
 * so a cap only ever frees up with time.
 */
export function capRule(e: Evaluation, cap: CompiledCap, t: number): Violation | undefined {
  const { count, counts } = tally(e, cap, t);
  if (count < cap.limit) return undefined;

  // Oldest first: once the (count − limit + 1) oldest counted contacts have left, one more fits.
  const contacts = e.input.history.contacts;
  let leaving = count - cap.limit;
  let i = 0;
  for (; i < contacts.length; i++) if (counts(i) && leaving-- === 0) break;
  const next =
    cap.windowMs > 0
      ? contacts[i].at + cap.windowMs
      : e.zone.earliestAtLocal(t, (e.localDaysOfContacts()[i] + cap.localDays) * DAY);
  return { code: cap.code, params: { ...cap.params, counted: count, zone: e.zone.name }, next };
}

/**
 * How many contacts of the history a cap counts at `t` — what the cap rule compares with its
 * limit, for pages that show how much of each cap is used (the customer 360) even below it.
 */
export function capCount(e: Evaluation, cap: CompiledCap, t: number): number {
  return tally(e, cap, t).count;
}

function tally(e: Evaluation, cap: CompiledCap, t: number): { count: number; counts: (i: number) => boolean } {
  const contacts = e.input.history.contacts;
  const event = cap.sameFraudEvent ? e.input.context?.fraudEventRef : undefined;
  const rolling = cap.windowMs > 0;
  const days = rolling ? undefined : e.localDaysOfContacts();
  const fromMs = t - cap.windowMs;
  const fromDay = rolling ? 0 : Math.floor(e.zone.localAt(t) / DAY) - cap.localDays + 1;

  const counts = (i: number): boolean => {
    const contact = contacts[i];
    if ((cap.countedPurposes & PURPOSE_BITS[contact.purpose]) === 0) return false;
    if ((cap.countedChannels & CHANNEL_BITS[contact.channel]) === 0) return false;
    if (cap.only === 'connected' ? !contact.connected : cap.only === 'conversation' && !contact.conversation) return false;
    if (event !== undefined && contact.subjectRef !== event) return false;
    return rolling ? contact.at > fromMs : days![i] >= fromDay;
  };

  let count = 0;
  for (let i = 0; i < contacts.length; i++) if (counts(i)) count++;
  return { count, counts };
}
