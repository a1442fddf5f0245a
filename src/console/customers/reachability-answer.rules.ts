import { DateTime } from 'luxon';
import { CapUsage } from '../../compliance/contact.policy';
import { ContactOverview } from '../../compliance/eligibility.service';
import { Channel, Purpose, ReasonCode } from '../../compliance/policy.types';
import { Locale, LOCALES } from '../../customers/customer.entity';
import { TaskReason } from '../../dispatch/contact-task.entity';
import { reasonSentences } from '../ops/contact-why.rules';

/** An instant three ways: UTC, where the customer lives, where the person asking sits. */
export interface ThreeWayTime {
  utc: string;
  customer: string;
  viewer: string;
}

/** "Can we contact them now?" for one purpose on one channel, in words. */
export interface ReachabilityCell {
  purpose: Purpose;
  channel: Channel;
  allowed: boolean;
  /** Waiting will not help: only the customer (or a change of their profile) can lift it. */
  final: boolean;
  /** Each rule in the way: its code and parameters, and a sentence in each language (times in the customer's zone). */
  reasons: { code: ReasonCode; params: Record<string, unknown>; until?: string; text: Record<Locale, string> }[];
  /** When every rule allows it; absent when allowed now, or when no waiting will do. */
  nextAllowedAt?: ThreeWayTime;
}

export interface ReachabilityAnswer {
  customerId: string;
  at: ThreeWayTime;
  customerZone: string;
  viewerZone: string;
  pack: string;
  /** The fraud case the fraud decisions are for (its per-case cap), or absent: a new case. */
  fraudCaseId?: string;
  decisions: ReachabilityCell[];
  caps: CapUsage[];
}

function threeWay(instant: Date, customerZone: string, viewerZone: string): ThreeWayTime {
  const local = (zone: string) =>
    DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true }) ?? instant.toISOString();
  return { utc: instant.toISOString(), customer: local(customerZone), viewer: local(viewerZone) };
}

/**
 * The policy's overview (EligibilityService.overview, the dispatcher's decisions) said for
 * people: each reason in both languages with the contact log's sentences, each instant in the
 * customer's zone and the viewer's. The API answers this; the console picks the reader's language.
 */
export function reachabilityAnswer(
  overview: ContactOverview,
  viewerZone: string,
  fraudCaseId: string | undefined,
): ReachabilityAnswer {
  const zone = overview.timeZone;
  return {
    customerId: overview.customerId,
    at: threeWay(overview.at, zone, viewerZone),
    customerZone: zone,
    viewerZone,
    pack: overview.pack,
    ...(fraudCaseId ? { fraudCaseId } : {}),
    decisions: overview.decisions.map((decision) => {
      // The log stores a reason with its parameters flattened and `until` as an instant: say it the same way.
      const stored: TaskReason[] = decision.reasons.map(({ code, params, until }) => ({
        code,
        ...params,
        ...(until ? { until: until.toISOString() } : {}),
      }));
      const said = Object.fromEntries(
        LOCALES.map((locale) => [locale, reasonSentences(stored, zone, locale, overview.at)]),
      ) as Record<Locale, string[]>;
      return {
        purpose: decision.purpose,
        channel: decision.channel,
        allowed: decision.allowed,
        final: decision.final,
        reasons: decision.reasons.map(({ code, params, until }, i) => ({
          code,
          params: { ...params },
          ...(until ? { until: until.toISOString() } : {}),
          text: { en: said.en[i], 'zh-CN': said['zh-CN'][i] },
        })),
        ...(decision.nextAllowedAt ? { nextAllowedAt: threeWay(decision.nextAllowedAt, zone, viewerZone) } : {}),
      };
    }),
    caps: overview.caps,
  };
}
