import { describeWindow, singleWindow, TimedRule } from './rule-evaluation';

/** "Mute until": nothing but fraud alerts before then. */
export const muteRule: TimedRule = ({ input, plan }, t) => {
  const until = input.customer.muteUntil?.getTime();
  return plan.customerPreferences && until !== undefined && t < until
    ? { code: 'MUTED', params: { until: new Date(until).toISOString() }, next: until }
    : undefined;
};

export const marketingMuteRule: TimedRule = ({ input }, t) => {
  const until = input.customer.marketingMuteUntil?.getTime();
  return input.purpose === 'marketing' && until !== undefined && t < until
    ? { code: 'MARKETING_MUTED', params: { until: new Date(until).toISOString() }, next: until }
    : undefined;
};

/** The customer's preferred window narrows the pack's hours; it never widens them. */
export const preferredWindowRule: TimedRule = (e, t) => {
  const preferred = e.preferred;
  if (!preferred || preferred.contains(e.zone.localAt(t))) return undefined;
  return {
    code: 'OUTSIDE_PREFERRED_WINDOW',
    params: { window: describeWindow(e.input.customer.contactWindow!), zone: e.zone.name },
    next: e.zone.earliestIn(t, preferred, e.horizon),
  };
};

/** Times the customer named as inconvenient, in their own zone. */
export const inconvenientTimeRule: TimedRule = (e, t) => {
  const convenient = e.convenient;
  const local = e.zone.localAt(t);
  if (!convenient || convenient.contains(local)) return undefined;
  const window = e.input.customer.inconvenientTimes.find((w) => singleWindow(w)?.contains(local));
  return {
    code: 'INCONVENIENT_TIME',
    params: { window: window ? describeWindow(window) : null, zone: e.zone.name },
    next: e.zone.earliestIn(t, convenient, e.horizon),
  };
};
