import { Reason, ReasonCode, ReasonParams } from './policy.types';

type Describe = (p: ReasonParams) => string;

const day = (p: ReasonParams) => (p.windowLocalDays === 1 ? 'a local day' : `${p.windowLocalDays} local days`);
const window = (p: ReasonParams) => (p.windowHours !== undefined ? `${p.windowHours} hours` : day(p));

/** One sentence per reason code for people reading an explanation; programs read `code` and `params`. */
const MESSAGES: Record<ReasonCode, Describe> = {
  NO_ADDRESS: (p) => `the profile has no ${p.channel === 'email' ? 'e-mail address' : 'phone number'}`,
  DO_NOT_CONTACT: (p) => `the customer's ${p.kind === 'email' ? 'e-mail address' : 'phone number'} is on the do-not-contact list`,
  OPTED_OUT: (p) =>
    p.scope === 'all'
      ? `the customer opted out of ${p.channel} (${p.source}, ${p.since})`
      : `the customer opted out of marketing by ${p.channel} (${p.source}, ${p.since})`,
  NO_CONSENT: (p) => `no consent to marketing by ${p.channel}`,
  MUTED: (p) => `the customer asked not to be contacted until ${p.until}`,
  MARKETING_MUTED: (p) => `the customer asked for no marketing until ${p.until}`,
  QUIET_HOURS: (p) => `outside the contact hours ${p.window} in ${p.zone}`,
  OUTSIDE_PREFERRED_WINDOW: (p) => `outside the customer's preferred window ${p.window} (${p.zone})`,
  INCONVENIENT_TIME: (p) => `a time the customer named inconvenient${p.window ? ` (${p.window})` : ''} in ${p.zone}`,
  WEEKEND: (p) => `no marketing at weekends (${p.date} in ${p.zone})`,
  PUBLIC_HOLIDAY: (p) => `no marketing on public holidays (${p.holiday ?? 'holiday'}, ${p.date})`,
  CAP_DAILY_TOTAL: (p) => `${p.counted} contacts already today; at most ${p.limit} a day`,
  CAP_MARKETING_CALL_30D: (p) => `${p.counted} marketing call(s) in the last ${window(p)}; at most ${p.limit}`,
  CAP_MARKETING_SMS_7D: (p) => `${p.counted} marketing SMS in the last ${window(p)}; at most ${p.limit}`,
  CAP_MARKETING_EMAIL_7D: (p) => `${p.counted} marketing e-mails in the last ${window(p)}; at most ${p.limit}`,
  CAP_CN_CONNECTED_CALLS_DAY: (p) => `${p.counted} connected collection calls today; at most ${p.limit} a day`,
  CAP_US_CALLS_7D: (p) => `${p.counted} collection calls in ${window(p)}; at most ${p.limit} (Reg F)`,
  CAP_US_CONVERSATION_LOCKOUT: (p) =>
    `a conversation about the debt within ${window(p)}: no collection calls until it has passed (Reg F)`,
  CAP_FRAUD_PER_EVENT: (p) => `${p.counted} alerts for this fraud case in the last ${window(p)}; at most ${p.limit}`,
  NO_ALLOWED_TIME: (p) => `no instant in the next ${p.horizonDays} days satisfies every rule together`,
  EXPIRED: (p) => `the next allowed instant ${p.nextAllowedAt} is not before the campaign's end ${p.campaignEndsAt}`,
};

export function describeReason(reason: Reason): string {
  return MESSAGES[reason.code](reason.params);
}
