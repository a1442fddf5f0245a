import { DateTime } from 'luxon';
import { Customer } from '../../customers/customer.entity';
import { ContactPurpose } from '../../dispatch/contact-task.entity';
import { Disposition } from '../../flows/outcomes/disposition.rules';

/** The call script an agent reads when a task does not name one, by what the call is about. */
const DEFAULT_SCRIPT: Partial<Record<ContactPurpose, string>> = { fraud: 'fraud-verification', collections: 'collections-early' };

/** What a task's call is about: its kind says it, or (a call back) the disposition that asked for it. */
export function taskPurpose(kind: string, callBackPurpose?: ContactPurpose | null): ContactPurpose {
  if (kind.startsWith('fraud')) return 'fraud';
  if (kind === 'call_back' && callBackPurpose) return callBackPurpose;
  return 'collections';
}

/** The scripts a task's kind calls for whatever it names: after a confirmed fraud, the next steps, not the verification. */
const KIND_SCRIPT: Record<string, string> = { fraud_confirmed: 'fraud-next-steps' };

export function taskScript(templateKey: string | null, purpose: ContactPurpose, kind = ''): string | undefined {
  return KIND_SCRIPT[kind] ?? templateKey ?? DEFAULT_SCRIPT[purpose];
}

/**
 * The outcomes an agent can record for a call about this purpose, most likely first. A fraud call
 * whose case is already answered (the card blocked or released) offers no fraud answer: the
 * customer's word is in, and the service refuses a second one (DISPOSITION_CASE_SETTLED).
 */
export function dispositionsFor(purpose: ContactPurpose, caseAnswerable = true): Disposition[] {
  const common: Disposition[] = ['call_back_at', 'no_answer', 'wrong_number', 'refused', 'opt_out', 'too_many_calls'];
  if (purpose !== 'fraud') return ['right_party_contact', 'promise_to_pay', ...common];
  return caseAnswerable ? ['not_fraud', 'fraud_confirmed', ...common] : ['right_party_contact', ...common];
}

/** Offer instalments over this many months in the later collection buckets' script. */
const OFFER_INSTALMENTS = 6;
const OFFER_DAYS_TO_RESPOND = 7;

/**
 * The instalment offer the later-collections script reads out: the statement balance over six
 * months (rounded up to the minor unit), to accept within a week, dates in the customer's zone.
 */
export function instalmentOffer(customer: Pick<Customer, 'statementBalance' | 'timezone'>, now: Date) {
  const today = DateTime.fromJSDate(now, { zone: customer.timezone });
  return {
    instalments: OFFER_INSTALMENTS,
    instalmentAmount: Math.ceil(Number(customer.statementBalance) / OFFER_INSTALMENTS),
    respondBy: today.plus({ days: OFFER_DAYS_TO_RESPOND }).toISODate(),
    deferUntil: today.plus({ months: 1 }).startOf('month').toISODate(),
  };
}
