import { EligibilityExplanation } from '../../compliance/eligibility.service';
import { Locale } from '../../customers/customer.entity';
import { TaskReason } from '../../dispatch/contact-task.entity';
import { reasonSentences } from './contact-why.rules';

/** What the "could we contact them at…?" card shows of the policy's answer. */
export interface EligibilityAnswer {
  allowed: boolean;
  /** The instant asked about, in UTC (the view shows it in the viewer's and the customer's zone). */
  at: string;
  customerZone: string;
  /** One sentence per rule in the way, in the viewer's language, times in the customer's zone. */
  reasons: string[];
  /** In UTC; absent when nothing the centre can wait for would allow it. */
  nextAllowedAt?: string;
  /** Only the customer can lift what stands in the way (an opt-out, a listed address…). */
  final: boolean;
  history: EligibilityExplanation['asOf']['history'];
  historyUpTo: string;
}

/** The explanation the API answers, as the console says it: the same reasons, in the log's sentences. */
export function eligibilityAnswer(explanation: EligibilityExplanation, locale: Locale, now: Date): EligibilityAnswer {
  // The log stores a reason with its parameters flattened and `until` as an instant: say it the same way.
  const stored: TaskReason[] = explanation.reasons.map(({ code, params, until }) => ({
    code,
    ...params,
    ...(until ? { until: until.utc } : {}),
  }));
  return {
    allowed: explanation.allowed,
    at: explanation.at.utc,
    customerZone: explanation.timeZone,
    reasons: reasonSentences(stored, explanation.timeZone, locale, now),
    ...(explanation.nextAllowedAt ? { nextAllowedAt: explanation.nextAllowedAt.utc } : {}),
    final: explanation.final ?? false,
    history: explanation.asOf.history,
    historyUpTo: explanation.asOf.historyUpTo.utc,
  };
}
