import { ContactChannel } from '../../dispatch/contact-task.entity';

/**
 * What the flows queue and when. Steps number the contacts of one subject (`repay:<customer>:<due
 * date>`, `collect:…`, `activate:<customer>:<issue date>`: src/common/subject-ref.ts); a unique index on (subject, step) makes
 * every step happen at most once however often the job runs.
 */
export interface ReminderStep {
  step: number;
  daysBeforeDue: number;
  channel: ContactChannel;
  templateKey: string;
}

export const REMINDER_STEPS: ReminderStep[] = [
  { step: 1, daysBeforeDue: 3, channel: 'sms', templateKey: 'repayment-reminder-before-due' },
  { step: 2, daysBeforeDue: 1, channel: 'email', templateKey: 'repayment-reminder-before-due' },
  { step: 3, daysBeforeDue: 0, channel: 'call', templateKey: 'repayment-reminder-due-today' },
];

/** Early delinquency (1–30 days past due): one SMS per week past due, steps 10–14. */
export const EARLY_COLLECTIONS = { firstDay: 1, lastDay: 30, everyDays: 7, firstStep: 10, templateKey: 'collections-early' };

/** Later buckets: one agent call with the instalment offer per bucket the customer enters. */
export const LATER_BUCKETS = [31, 61, 91];
export const LATER_COLLECTIONS_TEMPLATE = 'collections-later-offer';

export interface ActivationStep {
  step: number;
  daysAfterIssue: number;
  channel: ContactChannel;
}

/** There is no activation call script: SMS, then e-mail. */
export const ACTIVATION_STEPS: ActivationStep[] = [
  { step: 21, daysAfterIssue: 14, channel: 'sms' },
  { step: 22, daysAfterIssue: 17, channel: 'email' },
];

/**
 * Local hours a call may be set for: inside the service and collections windows of every pack
 * (08:00–21:00 is the narrowest), so a preferred hour never lands in quiet hours.
 */
export const CALL_HOURS = { first: 8, last: 20 };
/** Connected calls in an hour before it counts as the customer's answering hour. */
export const MIN_ANSWERS_FOR_PREFERENCE = 2;

/** The hour this customer answers most, from connected calls per local hour; null without enough evidence. */
export function preferredCallHour(answersByHour: Record<number, number>): number | null {
  let best: number | null = null;
  for (let hour = CALL_HOURS.first; hour <= CALL_HOURS.last; hour++) {
    const n = answersByHour[hour] ?? 0;
    if (n >= MIN_ANSWERS_FOR_PREFERENCE && (best === null || n > answersByHour[best])) best = hour;
  }
  return best;
}
