import { DateTime } from 'luxon';
import { EnvReader } from '../config/env-reader';
import { QuietHours } from './work-order.rules';

export interface WorkOrdersConfig {
  /** SLA of an order opened by a customer's free-text reply or an agent-recorded complaint. */
  defaultSlaMinutes: number;
  /** The queue those orders go to. */
  customerCareQueue: string;
  /** Share of the time from opening to due-by after which an open order is "near breach" (staff told again). */
  nearBreachShare: number;
  /** When staff get no e-mail or SMS (a console notification still appears); undefined: any hour. */
  staffQuietHours: QuietHours | undefined;
  /** The desk's zone: quiet hours are read in it, and the SLA figures' days are its days. */
  staffTimeZone: string;
  /** Whether this instance runs the minute sweep: staff notifications, near-breach and breach escalation. */
  sweepEnabled: boolean;
  /** Whether this instance evaluates the scheduled alert rules every hour. */
  alertsJobEnabled: boolean;
}

const WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const QUEUE = /^[a-z0-9_-]{1,40}$/;

export function readWorkOrdersConfig(read: EnvReader): WorkOrdersConfig {
  const quiet = read.string('STAFF_QUIET_HOURS', { default: '22:00-08:00' })!;
  const timezone = read.string('STAFF_TIME_ZONE', { default: 'Asia/Shanghai' })!;
  if (quiet !== 'off' && !WINDOW.test(quiet)) read.reject('STAFF_QUIET_HOURS', `must be HH:mm-HH:mm or off, got "${quiet}"`);
  if (!DateTime.now().setZone(timezone).isValid) read.reject('STAFF_TIME_ZONE', `must be an IANA time zone, got "${timezone}"`);
  const queue = read.string('WORK_ORDER_CUSTOMER_CARE_QUEUE', { default: 'customer-care' })!;
  if (!QUEUE.test(queue)) read.reject('WORK_ORDER_CUSTOMER_CARE_QUEUE', 'must be 1-40 of a-z, 0-9, _ and -');
  const share = read.number('WORK_ORDER_NEAR_BREACH_SHARE', { default: 0.75, min: 0 });
  if (!(share > 0 && share < 1)) read.reject('WORK_ORDER_NEAR_BREACH_SHARE', `must be between 0 and 1, got ${share}`);
  return {
    defaultSlaMinutes: read.int('WORK_ORDER_DEFAULT_SLA_HOURS', { default: 48, min: 1, max: 720 }) * 60,
    customerCareQueue: queue,
    nearBreachShare: share,
    staffQuietHours:
      quiet === 'off' || !WINDOW.test(quiet) ? undefined : { start: quiet.slice(0, 5), end: quiet.slice(6), timezone },
    staffTimeZone: timezone,
    sweepEnabled: read.bool('WORK_ORDER_SWEEP_ENABLED', { default: true }),
    alertsJobEnabled: read.bool('ALERTS_JOB_ENABLED', { default: true }),
  };
}
