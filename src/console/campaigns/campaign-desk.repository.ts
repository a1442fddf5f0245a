import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from '../../database/sql';
import { HourOfSends } from './campaign-timeseries.rules';

/** What the campaign manager's desk reads beyond the campaigns service: the attempts over time. */
@Injectable()
export class CampaignDeskRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The campaign's attempts hour by hour: sent (the provider took it), delivered (or a call
   * completed), failed (refused, undelivered, unanswered).
   */
  async sendsByHour(campaignId: string): Promise<HourOfSends[]> {
    return sql<HourOfSends>(
      this.db,
      `SELECT date_trunc('hour', a.attempted_at) AS hour,
              count(*) FILTER (WHERE a.status NOT IN ('failed', 'canceled', 'pending', 'sending'))::int AS sent,
              count(*) FILTER (WHERE a.status IN ('delivered', 'completed'))::int AS delivered,
              count(*) FILTER (WHERE a.status IN ('failed', 'undelivered', 'busy', 'no_answer', 'canceled'))::int AS failed
         FROM contact_tasks t JOIN contact_attempts a ON a.task_id = t.id
        WHERE t.campaign_id = $1
        GROUP BY 1 ORDER BY 1`,
      [campaignId],
    );
  }
}
