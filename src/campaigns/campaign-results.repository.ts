import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from '../database/sql';
import { FunnelStep } from './campaign-progress.rules';

export interface HoldReasonRow {
  code: string;
  count: number;
}

export interface CampaignCountsRow {
  id: string;
  targeted: number;
  sent: number;
}

/** What a campaign's tasks and attempts add up to. */
@Injectable()
export class CampaignResultsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Per step and channel, what became of the tasks. */
  funnel(campaignId: string): Promise<FunnelStep[]> {
    return sql<FunnelStep>(
      this.db,
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
      [campaignId],
    );
  }

  /** Why tasks were held back or suppressed, by the first reason recorded, the most frequent first. */
  holdReasons(campaignId: string): Promise<HoldReasonRow[]> {
    return sql<HoldReasonRow>(
      this.db,
      `SELECT reasons -> 0 ->> 'code' AS code, count(*)::int AS count
         FROM contact_tasks WHERE campaign_id = $1 AND reasons <> '[]'
        GROUP BY 1 ORDER BY 2 DESC`,
      [campaignId],
    );
  }

  /** Tasks each campaign targeted and how many reached the provider. */
  counts(ids: string[]): Promise<CampaignCountsRow[]> {
    return sql<CampaignCountsRow>(
      this.db,
      `SELECT t.campaign_id AS id, count(*)::int AS targeted,
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM contact_attempts a
                 WHERE a.task_id = t.id AND a.status NOT IN ('pending', 'failed', 'unknown', 'canceled')))::int AS sent
         FROM contact_tasks t WHERE t.campaign_id = ANY($1::uuid[]) GROUP BY t.campaign_id`,
      [ids],
    );
  }
}
