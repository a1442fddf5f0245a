import { DateTime } from 'luxon';

export const DISPOSITIONS = [
  'right_party_contact',
  'promise_to_pay',
  'too_many_calls',
  'wrong_number',
  'refused',
  'no_answer',
  'call_back_at',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** How long "too many calls" silences marketing for the customer. */
export const TOO_MANY_CALLS_MUTE_DAYS = 90;

export interface DispositionEffects {
  /** A new marketing mute, never shortening one already longer. */
  marketingMuteUntil: Date | null;
  /** The agent spoke with the customer (caps and the profile count it). */
  rightPartyContact: boolean;
}

/** What an agent's disposition does to the profile, besides being recorded. */
export function dispositionEffects(code: Disposition, now: Date): DispositionEffects {
  return {
    marketingMuteUntil:
      code === 'too_many_calls' ? DateTime.fromJSDate(now).plus({ days: TOO_MANY_CALLS_MUTE_DAYS }).toJSDate() : null,
    rightPartyContact:
      code === 'right_party_contact' || code === 'promise_to_pay' || code === 'too_many_calls' || code === 'call_back_at',
  };
}
