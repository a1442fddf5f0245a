import { addressRule, doNotContactRule, marketingConsentRule, optOutRule } from './consent.rules';
import { inconvenientTimeRule, marketingMuteRule, muteRule, preferredWindowRule } from './customer-preference.rules';
import { capCount, capRule } from './frequency-cap.rules';
import { marketingDaysRule } from './marketing-days.rules';
import { Channel, ContactDecision, Purpose, Reason, ReasonParams } from './policy.types';
import { quietHoursRule } from './quiet-hours.rules';
import { CapCode, ChannelPlan } from './rule-pack';
import { DecideContactInput, Evaluation, StandingRule, TimedRule, Violation } from './rule-evaluation';

export type { DecideContactInput } from './rule-evaluation';

const STANDING_RULES: StandingRule[] = [addressRule, doNotContactRule, optOutRule, marketingConsentRule];
const TIME_RULES: TimedRule[] = [
  muteRule,
  marketingMuteRule,
  quietHoursRule,
  preferredWindowRule,
  inconvenientTimeRule,
  marketingDaysRule,
];

/** Each round moves the candidate to the latest "next" of the rules still in the way. */
const MAX_ROUNDS = 64;

const timedRulesByPlan = new WeakMap<ChannelPlan, TimedRule[]>();

/** The pack's caps for this purpose and channel join the rules of time; built once per plan. */
function timedRules(plan: ChannelPlan): TimedRule[] {
  let rules = timedRulesByPlan.get(plan);
  if (!rules) {
    rules = [
      ...TIME_RULES,
      ...plan.caps.map(
        (cap): TimedRule =>
          (e, t) =>
            capRule(e, cap, t),
      ),
    ];
    timedRulesByPlan.set(plan, rules);
  }
  return rules;
}

/**
 * May Herald contact this customer for this purpose on this channel at this instant — and if
 * not, why not and from when? Every rule is decided on its own and named; when the answer is no,
 * `nextAllowedAt` is the earliest instant at which every rule allows the contact, found by moving
 * to the latest of the rules' own next instants until none objects. No `nextAllowedAt` and
 * `final` when waiting will not help: an opt-out, missing consent, the list.
 */
export function decideContact(input: DecideContactInput): ContactDecision {
  const e = new Evaluation(input);
  const at = input.at.getTime();
  const reasons: Reason[] = [];
  let final = false;

  for (const rule of STANDING_RULES) {
    const violation = rule(e);
    if (violation) {
      reasons.push(reasonOf(violation, false));
      final = true;
    }
  }
  const rules = timedRules(e.plan);
  let next = at;
  for (const rule of rules) {
    const violation = rule(e, at);
    if (violation) {
      reasons.push(reasonOf(violation, false));
      if (violation.next > next) next = violation.next;
    }
  }

  const endsAt = input.context?.campaignEndsAt?.getTime();
  if (reasons.length === 0) {
    return endsAt !== undefined && at >= endsAt ? expired(reasons, endsAt, at) : { allowed: true, reasons };
  }
  if (final) return { allowed: false, reasons, final: true };

  next = settle(e, rules, next, reasons);
  if (!Number.isFinite(next)) {
    reasons.push({ code: 'NO_ALLOWED_TIME', params: { horizonDays: Math.round((e.horizon - at) / 86_400_000) }, final: true });
    return { allowed: false, reasons, final: true };
  }
  if (endsAt !== undefined && next >= endsAt) return expired(reasons, endsAt, next);
  return { allowed: false, reasons, nextAllowedAt: new Date(next) };
}

/** The fixed point: the earliest candidate ≥ `from` no rule objects to, or Infinity. */
function settle(e: Evaluation, rules: TimedRule[], from: number, reasons: Reason[]): number {
  let candidate = from;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (!(candidate < e.horizon)) return Infinity;
    let later = candidate;
    for (const rule of rules) {
      const violation = rule(e, candidate);
      if (!violation) continue;
      if (!reasons.some((reason) => reason.code === violation.code)) reasons.push(reasonOf(violation, true));
      if (violation.next > later) later = violation.next;
    }
    if (later === candidate) return candidate;
    candidate = later;
  }
  return Infinity;
}

function reasonOf(violation: Violation, deferral: boolean): Reason {
  const reason: Reason = { code: violation.code, params: violation.params };
  if (violation.final) reason.final = true;
  else if (Number.isFinite(violation.next)) reason.until = new Date(violation.next);
  if (deferral) reason.deferral = true;
  return reason;
}

function expired(reasons: Reason[], endsAt: number, next: number): ContactDecision {
  reasons.push({
    code: 'EXPIRED',
    params: { campaignEndsAt: new Date(endsAt).toISOString(), nextAllowedAt: new Date(next).toISOString() },
    final: true,
  });
  return { allowed: false, reasons, final: true };
}

/** One cap of the customer's pack and how much of it their history uses at an instant. */
export interface CapUsage {
  code: CapCode;
  /** Contacts the cap counts in its window now. */
  counted: number;
  limit: number;
  /** `limit` and the window (`windowHours` or `windowLocalDays`), as the cap's reason carries them. */
  params: ReasonParams;
  /** The decisions it restricts. */
  appliesTo: { purposes: Purpose[]; channels: Channel[] };
  /** At the limit: the contacts it restricts wait (the decision's reasons say until when). */
  reached: boolean;
}

/**
 * Every cap of the customer's pack with the contacts it counts at `input.at` — the very counting
 * the cap rule does in decideContact, so a page showing "2 of 5 today" cannot disagree with the
 * decision next to it. A fraud case's cap counts the case in `context.fraudEventRef`.
 */
export function capsUsed(input: Omit<DecideContactInput, 'purpose' | 'channel'>): CapUsage[] {
  const at = input.at.getTime();
  return Object.entries(input.pack.config.caps).map(([code, config]) => {
    const { purposes, channels } = config!.appliesTo;
    // Counting does not depend on which restricted decision asks: any one of them will do.
    const e = new Evaluation({ ...input, purpose: purposes[0], channel: channels[0] });
    const cap = e.plan.caps.find((candidate) => candidate.code === code)!;
    const counted = capCount(e, cap, at);
    return {
      code: code as CapCode,
      counted,
      limit: cap.limit,
      params: cap.params,
      appliesTo: { purposes: [...purposes], channels: [...channels] },
      reached: counted >= cap.limit,
    };
  });
}
