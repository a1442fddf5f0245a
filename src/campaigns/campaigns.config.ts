import { EnvReader } from '../config/env-reader';

export interface CampaignsConfig {
  /** A campaign whose audience is larger needs a second manager's approval (every marketing one does). */
  approvalAudienceAbove: number;
  /** What one contact costs, in minor units of `currency`, for the launch step's estimate. */
  unitPrices: { smsSegment: number; call: number; email: number; currency: string };
  /** Staff who receive a campaign's test send before launch: mobile numbers (SMS, calls) and e-mail addresses. */
  testSeeds: { phones: string[]; emails: string[] };
}

const E164 = /^\+[1-9]\d{7,14}$/;
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** A comma-separated list, each item checked; a wrong one stops the start-up, naming it. */
function list(read: EnvReader, name: string, shape: RegExp, what: string): string[] {
  const items = (read.string(name, { default: '' }) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const wrong = items.filter((item) => !shape.test(item));
  if (wrong.length) read.reject(name, `must be ${what}, comma-separated; not: ${wrong.join(', ')}`);
  if (items.length > 20) read.reject(name, 'names at most 20 staff (a test send is not a campaign)');
  return items;
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
    testSeeds: {
      phones: list(read, 'CAMPAIGN_TEST_PHONES', E164, 'E.164 mobile numbers (+8613800000000)'),
      emails: list(read, 'CAMPAIGN_TEST_EMAILS', EMAIL, 'e-mail addresses'),
    },
  };
}
