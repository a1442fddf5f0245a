import { TimedRule } from './rule-evaluation';

/** The pack's contact hours for this purpose and channel, in the customer's own zone. */
export const quietHoursRule: TimedRule = (e, t) => {
  const { hours, criticalAnyHour, hoursParams } = e.plan;
  if (!hours || (criticalAnyHour && e.input.context?.fraudCritical)) return undefined;
  if (hours.contains(e.zone.localAt(t))) return undefined;
  return {
    code: 'QUIET_HOURS',
    params: { ...hoursParams, zone: e.zone.name },
    next: e.zone.earliestIn(t, hours, e.horizon),
  };
};
