import { defineSchema, entitySchema, s } from '../common/api-responses';
import { CAMPAIGN_STATUSES } from './campaign-lifecycle';
import { CAMPAIGN_PURPOSES, Campaign } from './campaign.entity';

/** Campaigns and their read-outs as the API answers them (OpenAPI success schemas). */
export const CAMPAIGN = entitySchema(Campaign, {
  status: s.oneOf(CAMPAIGN_STATUSES),
  purpose: s.oneOf(CAMPAIGN_PURPOSES),
  plan: s.array(s.object({ channel: s.string(), template: s.string() }, { afterHours: s.number(), when: s.string() })),
});

const STEP = s.object({ channel: s.string(), template: s.string(), step: s.int(), variants: s.array(s.map()) });
export const CAMPAIGN_PREVIEW = s.array(STEP);

export const FORECAST = defineSchema(
  'CampaignForecast',
  s.object({
    audience: s.int(),
    reachability: s.map(),
    sendRatePerSecond: s.nullable(s.number()),
    estimatedSeconds: s.nullable(s.number()),
  }),
);

export const LAUNCH_REVIEW = defineSchema(
  'LaunchReview',
  s.object({
    campaignId: s.uuid(),
    audience: s.int(),
    reach: s.map(s.map()),
    forecast: s.object({ sendRatePerSecond: s.nullable(s.number()), estimatedSeconds: s.nullable(s.number()) }),
    cost: s.map(),
    approval: s.map(),
  }),
);

export const FUNNEL = defineSchema(
  'CampaignFunnel',
  s.object({ campaignId: s.uuid(), steps: s.array(s.map()), reasons: s.map(s.int()), progress: s.map() }),
);

export const TEST_SEND = defineSchema(
  'CampaignTestSend',
  s.object({
    campaignId: s.uuid(),
    template: s.string(),
    channel: s.string(),
    results: s.array(
      s.object(
        { channel: s.string(), locale: s.string(), to: s.string(), status: s.string() },
        { providerRef: s.string(), error: s.string() },
      ),
    ),
  }),
);
