import { Injectable } from '@nestjs/common';
import { CHANNELS } from '../compliance/policy.types';
import { AppConfig } from '../config/app-config';
import { Campaign } from './campaign.entity';
import { ApprovalState, CampaignApprovals } from './campaign-approvals.service';
import { CampaignPreview } from './campaign-preview';
import { CampaignResults, Forecast } from './campaign-results';
import { launchCost, reachSummary } from './launch-review.rules';

export interface LaunchReview {
  campaignId: string;
  audience: number;
  /** Per channel: reachable now, later (later today, another day, after a mute), blocked and by what. */
  reach: Record<(typeof CHANNELS)[number], ReturnType<typeof reachSummary>>;
  forecast: Pick<Forecast, 'sendRatePerSecond' | 'estimatedSeconds'>;
  cost: ReturnType<typeof launchCost>;
  approval: ApprovalState;
}

/**
 * What a manager confirms before a launch: the audience, who can be reached now, later or not at
 * all and why, how long the first step takes at its pace, the most it can cost, and whether a
 * second manager must approve first (and has).
 */
@Injectable()
export class LaunchReviewService {
  constructor(
    private readonly results: CampaignResults,
    private readonly previews: CampaignPreview,
    private readonly approvals: CampaignApprovals,
    private readonly config: AppConfig,
  ) {}

  async review(campaign: Campaign): Promise<LaunchReview> {
    const [forecast, previews] = await Promise.all([this.results.forecast(campaign), this.previews.ofCampaign(campaign)]);
    const reach = Object.fromEntries(
      CHANNELS.map((channel) => [channel, reachSummary(forecast.reachability.channels[channel])]),
    ) as LaunchReview['reach'];
    const cost = launchCost(
      campaign.plan.map((step, i) => ({
        channel: step.channel,
        contacts: reach[step.channel].now + reach[step.channel].later,
        smsSegments: Math.max(0, ...previews[i].variants.map((v) => ('sms' in v && v.sms ? v.sms.segments : 0))),
      })),
      this.config.campaigns.unitPrices,
    );
    return {
      campaignId: campaign.id,
      audience: forecast.audience,
      reach,
      forecast: { sendRatePerSecond: forecast.sendRatePerSecond, estimatedSeconds: forecast.estimatedSeconds },
      cost,
      approval: await this.approvals.state(campaign, forecast.audience),
    };
  }
}
