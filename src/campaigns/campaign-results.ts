import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Reachability, ReachabilityService } from '../compliance/reachability.service';
import { AppConfig } from '../config/app-config';
import { channelRate } from '../dispatch/courier';
import { Campaign } from './campaign.entity';
import { CampaignAudience } from './campaign-audience';
import { CampaignProgress, campaignProgress, FunnelStep } from './campaign-progress.rules';

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
    @InjectDataSource() private readonly db: DataSource,
    private readonly audience: CampaignAudience,
    private readonly reachability: ReachabilityService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async funnel(campaign: Campaign): Promise<Funnel> {
    const rows: FunnelStep[] = await this.db.query(
      `SELECT t.step, t.channel,
              count(*)::int AS targeted,
              count(*) FILTER (WHERE t.status IN ('pending', 'claimed', 'sending') AND t.reasons = '[]')::int AS waiting,
              count(*) FILTER (WHERE t.status = 'pending' AND t.reasons <> '[]')::int AS deferred,
              count(*) FILTER (WHERE t.status = 'suppressed')::int AS suppressed,
              count(*) FILTER (WHERE t.status = 'skipped')::int AS skipped,
              count(*) FILTER (WHERE t.status = 'expired')::int AS expired,
              count(*) FILTER (WHERE t.status = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE a.reached_provider)::int AS sent,
              count(*) FILTER (WHERE a.delivered)::int AS delivered,
              count(*) FILTER (WHERE t.status = 'failed')::int AS failed,
              count(*) FILTER (WHERE t.status = 'unknown')::int AS unknown,
              count(*) FILTER (WHERE a.answered)::int AS answered,
              count(*) FILTER (WHERE r.replied)::int AS replied
         FROM contact_tasks t
         LEFT JOIN LATERAL (
           SELECT bool_or(status NOT IN ('pending', 'failed', 'unknown', 'canceled')) AS reached_provider,
                  bool_or(status IN ('delivered', 'completed')) AS delivered,
                  bool_or(connected) AS answered,
                  min(attempted_at) AS first_at
             FROM contact_attempts WHERE task_id = t.id) a ON true
         LEFT JOIN LATERAL (
           SELECT true AS replied FROM inbound_messages m
            WHERE m.customer_id = t.customer_id AND m.received_at >= a.first_at LIMIT 1) r ON true
        WHERE t.campaign_id = $1
        GROUP BY t.step, t.channel
        ORDER BY t.step`,
      [campaign.id],
    );
    const reasons: { code: string; count: number }[] = await this.db.query(
      `SELECT reasons -> 0 ->> 'code' AS code, count(*)::int AS count
         FROM contact_tasks WHERE campaign_id = $1 AND reasons <> '[]'
        GROUP BY 1 ORDER BY 2 DESC`,
      [campaign.id],
    );
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
    const rows: { id: string; targeted: number; sent: number }[] = await this.db.query(
      `SELECT t.campaign_id AS id, count(*)::int AS targeted,
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM contact_attempts a
                 WHERE a.task_id = t.id AND a.status NOT IN ('pending', 'failed', 'unknown', 'canceled')))::int AS sent
         FROM contact_tasks t WHERE t.campaign_id = ANY($1::uuid[]) GROUP BY t.campaign_id`,
      [ids],
    );
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
