import { EnvReader } from '../config/env-reader';

export interface CampaignsConfig {
  /** A campaign whose audience is larger needs a second manager's approval (every marketing one does). */
  approvalAudienceAbove: number;
  /** What one contact costs, in minor units of `currency`, for the launch step's estimate. */
  unitPrices: { smsSegment: number; call: number; email: number; currency: string };
}

export function readCampaignsConfig(read: EnvReader): CampaignsConfig {
  return {
    approvalAudienceAbove: read.int('CAMPAIGN_APPROVAL_AUDIENCE_ABOVE', { default: 1000, min: 0, max: 100_000_000 }),
    unitPrices: {
      smsSegment: read.int('UNIT_PRICE_SMS_SEGMENT', { default: 5, min: 0, max: 1_000_000 }),
      call: read.int('UNIT_PRICE_CALL', { default: 30, min: 0, max: 1_000_000 }),
      email: read.int('UNIT_PRICE_EMAIL', { default: 0, min: 0, max: 1_000_000 }),
      currency: read.oneOf('UNIT_PRICE_CURRENCY', ['CNY', 'HKD', 'USD', 'EUR', 'GBP'] as const, { default: 'CNY' }),
    },
  };
}
