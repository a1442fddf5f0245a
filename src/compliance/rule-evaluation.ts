import { LocalWindow } from '../customers/customer.entity';
import {
  ConsentState,
  ContactContext,
  ContactHistory,
  CustomerSnapshot,
  Purpose,
  Channel,
  ReasonCode,
  ReasonParams,
} from './policy.types';
import { ChannelPlan, RulePack } from './rule-pack';
import { WeeklyWindows } from './weekly-windows';
import { DAY, ZoneTimeline } from './zone-timeline';

export interface DecideContactInput {
  customer: CustomerSnapshot;
  purpose: Purpose;
  channel: Channel;
  at: Date;
  history: ContactHistory;
  consent: ConsentState;
  pack: RulePack;
  context?: ContactContext;
}

/** How far ahead a deferral may look before the policy says no instant will do. */
const HORIZON = 400 * DAY;

/** One decision in progress: the input plus what every rule would otherwise work out again. */
export class Evaluation {
  readonly plan: ChannelPlan;
  readonly zone: ZoneTimeline;
  readonly horizon: number;
  /** The customer's preferred window, when it binds this purpose. */
  readonly preferred: WeeklyWindows | undefined;
  /** The local times outside the customer's inconvenient times, when they bind this purpose. */
  readonly convenient: WeeklyWindows | undefined;
  private contactDays: Int32Array | undefined;

  constructor(readonly input: DecideContactInput) {
    this.plan = input.pack.plan(input.purpose, input.channel);
    this.zone = ZoneTimeline.for(input.customer.timezone) ?? ZoneTimeline.for(input.pack.config.fallbackTimeZone)!;
    this.horizon = input.at.getTime() + HORIZON;
    const { contactWindow, inconvenientTimes } = input.customer;
    const preferences = this.plan.customerPreferences;
    this.preferred = preferences && contactWindow ? windowsOf(contactWindow) : undefined;
    this.convenient = preferences && inconvenientTimes.length > 0 ? convenientOf(inconvenientTimes) : undefined;
  }

  /** Local day number of each contact in the history, computed on first use. */
  localDaysOfContacts(): Int32Array {
    if (!this.contactDays) {
      const contacts = this.input.history.contacts;
      this.contactDays = new Int32Array(contacts.length);
      for (let i = 0; i < contacts.length; i++) this.contactDays[i] = Math.floor(this.zone.localAt(contacts[i].at) / DAY);
    }
    return this.contactDays;
  }
}

/** A rule that stands in the way at an instant, and the earliest instant it would not. */
export interface Violation {
  code: ReasonCode;
  params: ReasonParams;
  /** Epoch ms at which this rule alone next allows the contact; Infinity when waiting will not help. */
  next: number;
  /** Only the customer can lift it. */
  final?: boolean;
}

/** A rule that does not depend on the instant (consent, the list, an address). */
export type StandingRule = (e: Evaluation) => Violation | undefined;
/** A rule of time: hours, calendars, mutes, caps. */
export type TimedRule = (e: Evaluation, t: number) => Violation | undefined;

// Profiles are loaded in batches and decided many times; compile their windows once per object.
const compiled = new WeakMap<object, WeeklyWindows | null>();

function windowsOf(window: LocalWindow): WeeklyWindows | undefined {
  let windows = compiled.get(window);
  if (windows === undefined) {
    windows = WeeklyWindows.fromLocalWindows([window]) ?? null;
    compiled.set(window, windows);
  }
  return windows ?? undefined;
}

function convenientOf(times: readonly LocalWindow[]): WeeklyWindows | undefined {
  let windows = compiled.get(times);
  if (windows === undefined) {
    windows = WeeklyWindows.fromLocalWindows(times)?.complement() ?? null;
    compiled.set(times, windows);
  }
  return windows ?? undefined;
}

/** `18:00-20:00` or `18:00-20:00 on 1,2,3` for explanations. */
export function describeWindow(window: LocalWindow): string {
  return window.days?.length ? `${window.start}-${window.end} on ${window.days.join(',')}` : `${window.start}-${window.end}`;
}

/** The single window a profile entry compiles to, for finding which one applies. */
export function singleWindow(window: LocalWindow): WeeklyWindows | undefined {
  return windowsOf(window);
}
