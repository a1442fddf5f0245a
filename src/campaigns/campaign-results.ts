import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Reachability, ReachabilityService } from '../compliance/reachability.service';
import { AppConfig } from '../config/app-config';
import { channelRate } from '../dispatch/courier';
import { Campaign } from './campaign.entity';
import { CampaignAudience } from './campaign-audience';
import { CampaignProgress, campaignProgress, FunnelStep } from './campaign-progress.rules';
import { CampaignResultsRepository } from './campaign-results.repository';

export type { FunnelStep } from './campaign-progress.rules';

export interface Funnel {
  campaignId: string;
  steps: FunnelStep[];
  /** Why tasks were held back or suppressed, by the first reason recorded. */
  reasons: Record<string, number>;
  /** How far it has got, and how long the tasks waiting now take at its pace. */
  progress: CampaignProgress;
}

export interface Forecast {
  audience: number;
  reachability: Reachability;
  /** At the campaign's pace (its own cap or the first step's channel's), for those reachable now. */
  sendRatePerSecond: number | null;
  estimatedSeconds: number | null;
}

/** What a campaign did and will do: its funnel per step with its progress, and a forecast before launch. */
@Injectable()
export class CampaignResults {
  constructor(
    private readonly results: CampaignResultsRepository,
    private readonly audience: CampaignAudience,
    private readonly reachability: ReachabilityService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async funnel(campaign: Campaign): Promise<Funnel> {
    const rows = await this.results.funnel(campaign.id);
    const reasons = await this.results.holdReasons(campaign.id);
    return {
      campaignId: campaign.id,
      steps: rows,
      reasons: Object.fromEntries(reasons.map((r) => [r.code, r.count])),
      progress: campaignProgress(rows, this.pace(campaign)),
    };
  }

  /** Tasks each campaign targeted and how many reached the provider, in one statement for a page of campaigns. */
  async counts(ids: string[]): Promise<Map<string, { targeted: number; sent: number }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.results.counts(ids);
    return new Map(rows.map(({ id, targeted, sent }) => [id, { targeted, sent }]));
  }

  async forecast(campaign: Campaign): Promise<Forecast> {
    const now = this.clock.now();
    const { where, params } = await this.audience.condition(campaign, now);
    const reachability = await this.reachability.reachability(where, params, campaign.purpose, now);
    const channel = campaign.plan[0].channel;
    const rate = this.pace(campaign);
    const reachableNow = reachability.channels[channel].reachableNow;
    return {
      audience: reachability.total,
      reachability,
      sendRatePerSecond: rate,
      estimatedSeconds: rate ? Math.ceil(reachableNow / rate) : null,
    };
  }

  /** Sends per second: its own cap or its first step's channel's, the slower; null when neither paces it. */
  private pace(campaign: Campaign): number | null {
    const perSecond = channelRate(campaign.plan[0].channel, this.config.channels.pacing);
    const rates = [campaign.sendRatePerSecond, perSecond || null].filter((r): r is number => r !== null && r > 0);
    return rates.length ? Math.min(...rates) : null;
  }
}
