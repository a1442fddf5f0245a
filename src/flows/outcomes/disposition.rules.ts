import { DateTime } from 'luxon';
import { Purpose } from '../../compliance/policy.types';

export const DISPOSITIONS = [
  'right_party_contact',
  'promise_to_pay',
  'too_many_calls',
  'wrong_number',
  'refused',
  'no_answer',
  'call_back_at',
  'fraud_confirmed',
  'not_fraud',
  'opt_out',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** How long "too many calls" silences marketing for the customer. */
export const TOO_MANY_CALLS_MUTE_DAYS = 90;

export interface DispositionEffects {
  /** A new marketing mute, never shortening one already longer. */
  marketingMuteUntil: Date | null;
  /** The agent spoke with the customer (caps and the profile count it). */
  rightPartyContact: boolean;
  /**
   * The call was a conversation about the debt in Reg F's sense (12 CFR 1006.14(b)(2)(i)(B)):
   * recorded on the call attempt, it locks collection calls out for 7 local days (docs/policy.md).
   */
  conversation: boolean;
}

/** The agent spoke with the customer themself. */
const RIGHT_PARTY = new Set<Disposition>([
  'right_party_contact',
  'promise_to_pay',
  'too_many_calls',
  'call_back_at',
  'fraud_confirmed',
  'not_fraud',
  'opt_out',
]);

/**
 * The outcomes of a call on which the account itself was discussed (a balance, a promise, a card
 * transaction): each needs the script's identity steps done first, or a stranger on the line hears
 * the customer's business. Leaving a call-back time, hearing "stop calling" or "wrong number"
 * needs no identity.
 */
export const DISCUSSES_ACCOUNT: readonly Disposition[] = [
  'right_party_contact',
  'promise_to_pay',
  'fraud_confirmed',
  'not_fraud',
];

/** Refusal data when an outcome that discusses the account comes without the identity check, if it does. */
export function identityProblem(code: Disposition, identityVerified: boolean | undefined) {
  if (!DISCUSSES_ACCOUNT.includes(code) || identityVerified === true) return undefined;
  return {
    error: 'DISPOSITION_IDENTITY_UNVERIFIED' as const,
    message: `${code} discusses the account: confirm every identity step of the script first`,
    field: 'identityVerified',
    reason: `must be true with ${DISCUSSES_ACCOUNT.join(', ')}`,
  };
}

/** The customer's answer to a fraud check, as an agent heard it. */
export const FRAUD_ANSWERS: Partial<Record<Disposition, 'yes' | 'no'>> = { not_fraud: 'yes', fraud_confirmed: 'no' };

/**
 * What makes a conversation: a collections call on which the agent spoke with the customer
 * themself — every right-party disposition but the fraud answers (those calls are about a card
 * transaction, not the debt). A call that merely connected (voicemail, a relative, a wrong number,
 * no word from the agent) is not one.
 */
export const CONVERSATION_DISPOSITIONS: readonly Disposition[] = DISPOSITIONS.filter(
  (code) => RIGHT_PARTY.has(code) && FRAUD_ANSWERS[code] === undefined,
);

/** What an agent's disposition of a call about `purpose` does, besides being recorded. */
export function dispositionEffects(code: Disposition, purpose: Purpose, now: Date): DispositionEffects {
  return {
    marketingMuteUntil:
      code === 'too_many_calls' ? DateTime.fromJSDate(now).plus({ days: TOO_MANY_CALLS_MUTE_DAYS }).toJSDate() : null,
    rightPartyContact: RIGHT_PARTY.has(code),
    conversation: purpose === 'collections' && CONVERSATION_DISPOSITIONS.includes(code),
  };
}

/** Which dispositions carry which detail: each field is required with its codes and refused with any other. */
const DETAILS = [
  {
    field: 'promise',
    codes: ['promise_to_pay'],
    error: 'DISPOSITION_PROMISE_MISMATCH',
    says: 'promise_to_pay, and only it, carries a promise',
  },
  {
    field: 'callBackAt',
    codes: ['call_back_at'],
    error: 'DISPOSITION_CALL_BACK_MISMATCH',
    says: 'call_back_at, and only it, carries a time',
  },
  {
    field: 'caseId',
    codes: ['fraud_confirmed', 'not_fraud'],
    error: 'DISPOSITION_CASE_MISMATCH',
    says: 'fraud_confirmed and not_fraud, and only they, name a fraud case',
  },
  { field: 'channel', codes: ['opt_out'], error: 'DISPOSITION_CHANNEL_MISMATCH', says: 'opt_out, and only it, names a channel' },
] as const satisfies readonly { field: string; codes: readonly Disposition[]; error: string; says: string }[];

export interface DetailMismatch {
  error: (typeof DETAILS)[number]['error'];
  message: string;
  field: string;
  reason: string;
}

/** The first detail a disposition lacks or should not have, if any. */
export function detailMismatch(code: Disposition, details: Record<string, unknown>): DetailMismatch | undefined {
  for (const detail of DETAILS) {
    const wanted = (detail.codes as readonly Disposition[]).includes(code);
    if (wanted !== (details[detail.field] !== undefined)) {
      return {
        error: detail.error,
        message: detail.says,
        field: detail.field,
        reason: `required with ${detail.codes.join(' or ')}, not allowed otherwise`,
      };
    }
  }
  return undefined;
}
