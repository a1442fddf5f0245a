import { EnvReader } from '../../config/env-reader';

export interface RepaymentConfig {
  /** Whether this instance runs the hourly reminder, collections and activation job. */
  jobEnabled: boolean;
  /** The local hour (customer's zone) reminders and collection contacts are due at. */
  localHour: number;
  /** Days after the promised date before a promise counts as broken and collections resume. */
  promiseGraceDays: number;
  /** Where the activation messages send the customer (`link.url` of card-activation). */
  activationUrl: string;
}

export function readRepaymentConfig(read: EnvReader): RepaymentConfig {
  return {
    jobEnabled: read.bool('REPAYMENT_JOB_ENABLED', { default: true }),
    localHour: read.int('REPAYMENT_LOCAL_HOUR', { default: 9, min: 8, max: 20 }),
    promiseGraceDays: read.int('PROMISE_GRACE_DAYS', { default: 3, min: 0, max: 30 }),
    activationUrl: read.url('ACTIVATION_URL', { protocols: ['https:', 'http:'], default: 'https://card.example.cn/activate' })!,
  };
}
