import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/domain-error';
import { AsOf, asOf } from './as-of.rules';
import { CapUsage, capsUsed, decideContact } from './contact.policy';
import { PolicyInputs, PolicyInputsLoader } from './policy-inputs.loader';
import { Channel, CHANNELS, ContactContext, ContactDecision, ContactRecord, Purpose, PURPOSES, Reason } from './policy.types';
import { describeReason } from './reason.messages';
import { PackName } from './rule-pack';
import { RulePacks } from './rule-packs';
import { ZoneTimeline } from './zone-timeline';

export interface EligibilityRequest {
  customerId: string;
  purpose: Purpose;
  channel: Channel;
  context?: ContactContext;
  /** Contacts to count as if they were in the log (one being recorded in the same breath). */
  assumedContacts?: readonly ContactRecord[];
}

export interface Eligibility extends ContactDecision {
  customerId: string;
  purpose: Purpose;
  channel: Channel;
  pack: PackName;
  /** The zone the rules were evaluated in (the pack's fallback when the profile's is unknown). */
  timeZone: string;
}

/** An instant as the customer lives it and as UTC. */
export interface DualTime {
  utc: string;
  local: string;
}

export interface EligibilityExplanation extends Omit<Eligibility, 'nextAllowedAt' | 'reasons'> {
  at: DualTime;
  /** What the decision read: the history as it stood at `at`, or as it stands now (see asOf). */
  asOf: Omit<AsOf, 'at' | 'historyUpTo'> & { historyUpTo: DualTime };
  nextAllowedAt?: DualTime;
  reasons: (Omit<Reason, 'until'> & { message: string; until?: DualTime })[];
}

/** "Can we contact them now?" for every purpose on every channel, and the caps used. */
export interface ContactOverview {
  customerId: string;
  at: Date;
  pack: PackName;
  timeZone: string;
  decisions: (Omit<ContactDecision, 'final'> & { purpose: Purpose; channel: Channel; final: boolean })[];
  caps: CapUsage[];
}

export interface DecideOptions {
  /** Read the contact log, the ledger and the list only up to this instant (a decision about the past). */
  historyUpTo?: Date;
}

/** The policy applied to customers in the database: for the dispatcher, campaigns and ops. */
@Injectable()
export class EligibilityService {
  constructor(
    private readonly clock: Clock,
    private readonly packs: RulePacks,
    private readonly inputs: PolicyInputsLoader,
  ) {}

  /**
   * Decides many contacts at one instant — the dispatcher's re-check before sending — loading
   * what the policy needs for all of them at once. Throws when a customer does not exist.
   */
  async decide(
    requests: readonly EligibilityRequest[],
    at: Date = this.clock.now(),
    options: DecideOptions = {},
  ): Promise<Eligibility[]> {
    const inputs = await this.inputs.load(
      requests.map((r) => r.customerId),
      at,
      options.historyUpTo,
    );
    return this.decideWith(inputs, requests, at);
  }

  /**
   * Every purpose on every channel for one customer now, and how much of each cap their history
   * uses — the customer 360's "can we contact now?". The decisions are decide()'s, the dispatcher's
   * own call, on inputs loaded once. `context` is applied to the fraud decisions (the case they are for).
   */
  async overview(customerId: string, context: ContactContext = {}): Promise<ContactOverview> {
    const at = this.clock.now();
    const inputs = await this.inputs.load([customerId], at);
    const facts = inputs.get(customerId);
    if (!facts) throw new NotFoundError('customer', customerId);
    const requests = PURPOSES.flatMap((purpose) =>
      CHANNELS.map((channel) => ({ customerId, purpose, channel, context: purpose === 'fraud' ? context : undefined })),
    );
    const decisions = this.decideWith(inputs, requests, at);
    const pack = this.packs.forCountry(facts.customer.country);
    return {
      customerId,
      at,
      pack: pack.name,
      timeZone: decisions[0].timeZone,
      decisions: decisions.map(({ purpose, channel, allowed, final, reasons, nextAllowedAt }) => ({
        purpose,
        channel,
        allowed,
        final: final ?? false,
        reasons,
        ...(nextAllowedAt ? { nextAllowedAt } : {}),
      })),
      caps: capsUsed({ ...facts, at, pack, context }),
    };
  }

  private decideWith(inputs: Map<string, PolicyInputs>, requests: readonly EligibilityRequest[], at: Date): Eligibility[] {
    return requests.map(({ customerId, purpose, channel, context, assumedContacts = [] }) => {
      const facts = inputs.get(customerId);
      if (!facts) throw new NotFoundError('customer', customerId);
      const pack = this.packs.forCountry(facts.customer.country);
      const history = assumedContacts.length
        ? { ...facts.history, contacts: [...facts.history.contacts, ...assumedContacts].sort((a, b) => a.at - b.at) }
        : facts.history;
      const decision = decideContact({ ...facts, history, purpose, channel, at, pack, context });
      const timeZone = ZoneTimeline.for(facts.customer.timezone) ? facts.customer.timezone : pack.config.fallbackTimeZone;
      return { customerId, purpose, channel, pack: pack.name, timeZone, ...decision };
    });
  }

  /**
   * Why a customer may or may not be contacted now — or at `at`: in the past with the history as
   * it stood then, in the future with the history as it stands now — every instant in their local
   * time and UTC.
   */
  async explain(request: EligibilityRequest, requested?: Date): Promise<EligibilityExplanation> {
    const now = this.clock.now();
    const { at, historyUpTo, ...stance } = asOf(requested ?? now, now);
    const past = stance.history === 'as_it_stood' ? { historyUpTo } : {};
    const [{ nextAllowedAt, reasons, ...decision }] = await this.decide([request], at, past);
    const dual = (instant: Date): DualTime => ({
      utc: instant.toISOString(),
      local: DateTime.fromJSDate(instant, { zone: decision.timeZone }).toISO({ suppressMilliseconds: true })!,
    });
    return {
      ...decision,
      final: decision.final ?? false,
      at: dual(at),
      asOf: { ...stance, historyUpTo: dual(historyUpTo) },
      ...(nextAllowedAt ? { nextAllowedAt: dual(nextAllowedAt) } : {}),
      reasons: reasons.map(({ until, ...reason }) => ({
        ...reason,
        message: describeReason({ ...reason, until }),
        ...(until ? { until: dual(until) } : {}),
      })),
    };
  }
}
