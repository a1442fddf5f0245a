import { EnvReader } from '../../config/env-reader';
import { RiskLevel } from '../../customers/customer.entity';

export interface FraudRuleSettings {
  /** A single transaction above this amount (minor units of the customer's currency) opens a case, by risk level. */
  amountThreshold: Record<RiskLevel, number>;
  /** Velocity: this many transactions within `velocityMinutes`, in at least two cities. */
  velocityCount: number;
  velocityMinutes: number;
  /** Card-not-present at night (customer's local time, `HH:mm`, the window may wrap midnight) above this amount. */
  nightStart: string;
  nightEnd: string;
  nightCnpAmount: number;
}

export interface FraudConfig {
  rules: FraudRuleSettings;
  /** Silence after the verification SMS before the IVR call. */
  smsAnswerMinutes: number;
  /** Silence after the IVR call was queued before a person takes the case. */
  ivrAnswerMinutes: number;
  /** Where the core system hears about holds and releases; unset, the notices are only logged. */
  coreNoticeUrl: string | undefined;
  coreNoticeSecret: string | undefined;
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function readFraudConfig(read: EnvReader): FraudConfig {
  const time = (name: string, fallback: string) => {
    const value = read.string(name, { default: fallback })!;
    if (!HH_MM.test(value)) read.reject(name, 'must be HH:mm');
    return value;
  };
  const amount = (name: string, fallback: number) => read.int(name, { default: fallback, min: 0, max: Number.MAX_SAFE_INTEGER });
  const config: FraudConfig = {
    rules: {
      amountThreshold: {
        low: amount('FRAUD_AMOUNT_LOW_RISK', 5_000_000),
        medium: amount('FRAUD_AMOUNT_MEDIUM_RISK', 2_000_000),
        high: amount('FRAUD_AMOUNT_HIGH_RISK', 500_000),
      },
      velocityCount: read.int('FRAUD_VELOCITY_COUNT', { default: 3, min: 2, max: 100 }),
      velocityMinutes: read.int('FRAUD_VELOCITY_MINUTES', { default: 30, min: 1, max: 1440 }),
      nightStart: time('FRAUD_NIGHT_START', '00:00'),
      nightEnd: time('FRAUD_NIGHT_END', '06:00'),
      nightCnpAmount: amount('FRAUD_NIGHT_CNP_AMOUNT', 200_000),
    },
    smsAnswerMinutes: read.int('FRAUD_SMS_ANSWER_MINUTES', { default: 10, min: 1, max: 1440 }),
    ivrAnswerMinutes: read.int('FRAUD_IVR_ANSWER_MINUTES', { default: 5, min: 1, max: 1440 }),
    coreNoticeUrl: read.url('CORE_NOTICE_URL', { protocols: ['http:', 'https:'], optional: true }),
    coreNoticeSecret: read.string('CORE_NOTICE_SECRET', { optional: true, minLength: 16 }),
  };
  if (config.coreNoticeUrl && !config.coreNoticeSecret) read.reject('CORE_NOTICE_SECRET', 'is required with CORE_NOTICE_URL');
  return config;
}
