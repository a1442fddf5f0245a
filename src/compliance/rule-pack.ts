import { HolidayCalendar, holidayCalendar, HolidayCalendarName } from './holiday.calendar';
import { Channel, CHANNELS, Purpose, PURPOSES, ReasonCode, ReasonParams } from './policy.types';
import { parseClock, WeeklyWindows } from './weekly-windows';
import { DAY, HOUR } from './zone-timeline';

export const PACK_NAMES = ['cn', 'us'] as const;
export type PackName = (typeof PACK_NAMES)[number];

/** `HH:mm-HH:mm`, the local hours in which contact is allowed (outside them is quiet), or `any`. */
export type ContactHours = string;

export type CapCode = Extract<ReasonCode, `CAP_${string}`>;

/** Rolling hours, or whole local calendar days counting today (1 = today only). */
export type CapWindow = { hours: number } | { localDays: number };

export interface FrequencyCapConfig {
  /** The decisions it restricts. */
  appliesTo: { purposes: Purpose[]; channels: Channel[] };
  /** The past contacts it counts; `only` narrows to answered calls or debt conversations. */
  counts: { purposes: Purpose[]; channels: Channel[]; only?: 'connected' | 'conversation'; sameFraudEvent?: boolean };
  /** The contact is refused once this many counted contacts lie in the window. */
  limit: number;
  window: CapWindow;
  source: string;
}

export interface MarketingDaysConfig {
  noWeekend: boolean;
  noPublicHoliday: boolean;
  calendar: HolidayCalendarName;
}

/** A jurisdiction's contact rules: typed data, shown at GET /policy, tightened by POLICY_OVERRIDES. */
export interface RulePackConfig {
  name: PackName;
  description: string;
  /** The zone a profile with an unknown time zone is evaluated in. */
  fallbackTimeZone: string;
  contactHours: Record<Purpose, Record<Channel, ContactHours>>;
  /** A fraud case marked critical may be called at any hour. */
  fraudCriticalCallsAnyHour: boolean;
  marketingDays: MarketingDaysConfig;
  caps: Partial<Record<CapCode, FrequencyCapConfig>>;
}

const ALL_CHANNELS: Channel[] = ['sms', 'email', 'call'];
const ALL_PURPOSES: Purpose[] = ['collections', 'service', 'fraud', 'marketing'];

// A function, so that each pack owns its caps: tightening one pack's never touches the other's.
const sharedCaps = (): Partial<Record<CapCode, FrequencyCapConfig>> => ({
  CAP_DAILY_TOTAL: {
    // Fraud alerts count toward the day's total but are never held back by it.
    appliesTo: { purposes: ['collections', 'service', 'marketing'], channels: ALL_CHANNELS },
    counts: { purposes: ALL_PURPOSES, channels: ALL_CHANNELS },
    limit: 5,
    window: { localDays: 1 },
    source: 'house rule: at most 5 contacts per customer per local day',
  },
  CAP_MARKETING_CALL_30D: {
    appliesTo: { purposes: ['marketing'], channels: ['call'] },
    counts: { purposes: ['marketing'], channels: ['call'] },
    limit: 1,
    window: { hours: 30 * 24 },
    source: 'house rule: at most 1 marketing call per 30 days',
  },
  CAP_MARKETING_SMS_7D: {
    appliesTo: { purposes: ['marketing'], channels: ['sms'] },
    counts: { purposes: ['marketing'], channels: ['sms'] },
    limit: 2,
    window: { hours: 7 * 24 },
    source: 'house rule: at most 2 marketing SMS per 7 days',
  },
  CAP_MARKETING_EMAIL_7D: {
    appliesTo: { purposes: ['marketing'], channels: ['email'] },
    counts: { purposes: ['marketing'], channels: ['email'] },
    limit: 4,
    window: { hours: 7 * 24 },
    source: 'house rule: at most 4 marketing e-mails per 7 days',
  },
  CAP_FRAUD_PER_EVENT: {
    appliesTo: { purposes: ['fraud'], channels: ALL_CHANNELS },
    counts: { purposes: ['fraud'], channels: ALL_CHANNELS, sameFraudEvent: true },
    limit: 3,
    window: { hours: 72 },
    source: 'FCC 15-72: at most 3 messages per fraud event over 3 days',
  },
});

const defaultHours = (collections: ContactHours): RulePackConfig['contactHours'] => ({
  collections: { sms: collections, email: collections, call: collections },
  service: { sms: '08:00-21:00', email: '08:00-21:00', call: '08:00-21:00' },
  fraud: { sms: 'any', email: 'any', call: '07:00-23:00' },
  marketing: { sms: '08:00-21:00', email: 'any', call: '08:00-21:00' },
});

const noMarketingDayLimits = (calendar: HolidayCalendarName): MarketingDaysConfig => ({
  noWeekend: false,
  noPublicHoliday: false,
  calendar,
});

export const DEFAULT_PACKS: Record<PackName, RulePackConfig> = {
  cn: {
    name: 'cn',
    description: 'Mainland China (the default): CN collection guidelines, MIIT Order 31, PIPL',
    fallbackTimeZone: 'Asia/Shanghai',
    contactHours: defaultHours('08:00-22:00'),
    fraudCriticalCallsAnyHour: true,
    marketingDays: noMarketingDayLimits('cn-mainland'),
    caps: {
      ...sharedCaps(),
      CAP_CN_CONNECTED_CALLS_DAY: {
        appliesTo: { purposes: ['collections'], channels: ['call'] },
        counts: { purposes: ['collections'], channels: ['call'], only: 'connected' },
        limit: 3,
        window: { localDays: 1 },
        source: 'CN internet-finance post-loan collection guideline (2024): at most 3 connected collection calls a day',
      },
    },
  },
  us: {
    name: 'us',
    description: 'United States: FDCPA, Regulation F, TCPA',
    fallbackTimeZone: 'America/New_York',
    contactHours: defaultHours('08:00-21:00'),
    fraudCriticalCallsAnyHour: true,
    marketingDays: noMarketingDayLimits('none'),
    caps: {
      ...sharedCaps(),
      CAP_US_CALLS_7D: {
        appliesTo: { purposes: ['collections'], channels: ['call'] },
        counts: { purposes: ['collections'], channels: ['call'] },
        limit: 7,
        window: { localDays: 7 },
        source: 'Reg F 12 CFR 1006.14(b)(2)(i)(A): at most 7 collection calls in 7 consecutive days',
      },
      CAP_US_CONVERSATION_LOCKOUT: {
        appliesTo: { purposes: ['collections'], channels: ['call'] },
        counts: { purposes: ['collections'], channels: ['call'], only: 'conversation' },
        limit: 1,
        window: { localDays: 7 },
        source: 'Reg F 12 CFR 1006.14(b)(2)(i)(B): no collection call within 7 days after a conversation (its day is day 1)',
      },
    },
  },
};

const mask = <T extends string>(all: readonly T[], some: readonly T[]): number =>
  some.reduce((bits, item) => bits | (1 << all.indexOf(item)), 0);

/** A cap ready to count: bit masks instead of lists, milliseconds instead of hours. */
export interface CompiledCap {
  code: CapCode;
  limit: number;
  countedPurposes: number;
  countedChannels: number;
  only: 'connected' | 'conversation' | undefined;
  sameFraudEvent: boolean;
  /** Rolling window in ms, or 0 when counted in local days. */
  windowMs: number;
  localDays: number;
  params: ReasonParams;
}

/** Bit of a purpose or channel in the masks above (its index in PURPOSES / CHANNELS). */
export const PURPOSE_BITS = Object.fromEntries(PURPOSES.map((p, i) => [p, 1 << i])) as Record<Purpose, number>;
export const CHANNEL_BITS = Object.fromEntries(CHANNELS.map((c, i) => [c, 1 << i])) as Record<Channel, number>;

/** Everything that applies to one purpose on one channel, worked out once per pack. */
export interface ChannelPlan {
  purpose: Purpose;
  channel: Channel;
  /** Allowed local hours; undefined for any hour. */
  hours: WeeklyWindows | undefined;
  hoursParams: ReasonParams;
  /** Calls of a critical fraud case ignore `hours`. */
  criticalAnyHour: boolean;
  /** The customer's own window, inconvenient times and mutes bind everything but fraud alerts. */
  customerPreferences: boolean;
  marketingDays: { calendar: HolidayCalendar; noWeekend: boolean; noPublicHoliday: boolean } | undefined;
  caps: CompiledCap[];
}

/** A rule pack compiled for the hot path: one plan per purpose and channel. */
export class RulePack {
  readonly name: PackName;
  /** How far back a history must reach for every cap of this pack. */
  readonly lookbackMs: number;
  private readonly plans: Record<Purpose, Record<Channel, ChannelPlan>>;

  constructor(readonly config: RulePackConfig) {
    this.name = config.name;
    const caps = Object.entries(config.caps).map(([code, cap]) => [cap!, compileCap(code as CapCode, cap!)] as const);
    this.lookbackMs = Math.max(DAY, ...caps.map(([, cap]) => cap.windowMs || (cap.localDays + 1) * DAY));
    const { marketingDays } = config;
    const plans = {} as Record<Purpose, Record<Channel, ChannelPlan>>;
    for (const purpose of PURPOSES) {
      plans[purpose] = {} as Record<Channel, ChannelPlan>;
      for (const channel of CHANNELS) {
        const hours = config.contactHours[purpose][channel];
        plans[purpose][channel] = {
          purpose,
          channel,
          hours: hours === 'any' ? undefined : parseContactHoursOrThrow(hours),
          hoursParams: { window: hours },
          criticalAnyHour: purpose === 'fraud' && channel === 'call' && config.fraudCriticalCallsAnyHour,
          customerPreferences: purpose !== 'fraud',
          marketingDays:
            purpose === 'marketing' && (marketingDays.noWeekend || marketingDays.noPublicHoliday)
              ? { ...marketingDays, calendar: holidayCalendar(marketingDays.calendar) }
              : undefined,
          caps: caps
            .filter(([config]) => config.appliesTo.purposes.includes(purpose) && config.appliesTo.channels.includes(channel))
            .map(([, cap]) => cap),
        };
      }
    }
    this.plans = plans;
  }

  plan(purpose: Purpose, channel: Channel): ChannelPlan {
    return this.plans[purpose][channel];
  }
}

function compileCap(code: CapCode, cap: FrequencyCapConfig): CompiledCap {
  return {
    code,
    limit: cap.limit,
    countedPurposes: mask(PURPOSES, cap.counts.purposes),
    countedChannels: mask(CHANNELS, cap.counts.channels),
    only: cap.counts.only,
    sameFraudEvent: cap.counts.sameFraudEvent ?? false,
    windowMs: 'hours' in cap.window ? cap.window.hours * HOUR : 0,
    localDays: 'localDays' in cap.window ? cap.window.localDays : 0,
    params:
      'hours' in cap.window
        ? { limit: cap.limit, windowHours: cap.window.hours }
        : { limit: cap.limit, windowLocalDays: cap.window.localDays },
  };
}

/** `HH:mm-HH:mm` (start before end) as [start, end] minutes; undefined when malformed. */
export function parseContactHours(text: string): [number, number] | undefined {
  const match = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(text);
  const start = match ? parseClock(match[1]) : undefined;
  const end = match ? parseClock(match[2]) : undefined;
  return start !== undefined && end !== undefined && start < end ? [start, end] : undefined;
}

function parseContactHoursOrThrow(text: string): WeeklyWindows {
  const parsed = parseContactHours(text);
  if (!parsed) throw new Error(`contact hours must be "HH:mm-HH:mm" with start before end, or "any"; got "${text}"`);
  return WeeklyWindows.daily(...parsed);
}
