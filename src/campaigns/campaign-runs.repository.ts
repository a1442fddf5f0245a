import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../database/sql';

export interface CampaignRunRow {
  id: string;
  completed_at: Date | null;
}

/** campaign_runs, and the campaigns a run or an end moves. */
@Injectable()
export class CampaignRunsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The run under its key: taken now, or as an earlier call left it. */
  async open(campaignId: string, runKey: string): Promise<CampaignRunRow> {
    const created = await sqlOne<CampaignRunRow>(
      this.db,
      `INSERT INTO campaign_runs (campaign_id, run_key) VALUES ($1, $2)
       ON CONFLICT (campaign_id, run_key) DO NOTHING RETURNING id`,
      [campaignId, runKey],
    );
    return (
      created ??
      (await sqlOne<CampaignRunRow>(
        this.db,
        `SELECT id, completed_at FROM campaign_runs WHERE campaign_id = $1 AND run_key = $2`,
        [campaignId, runKey],
      ))!
    );
  }

  /** Whether every slice of the run is in. */
  async isComplete(runId: string): Promise<boolean> {
    const row = await sqlOne<{ complete: boolean }>(
      this.db,
      `SELECT completed_at IS NOT NULL AS complete FROM campaign_runs WHERE id = $1`,
      [runId],
    );
    return row?.complete ?? false;
  }

  /** Every slice is in: the run counts its tasks and is complete. */
  async complete(runId: string): Promise<void> {
    await sql(
      this.db,
      `UPDATE campaign_runs SET materialised = (SELECT count(*) FROM contact_tasks WHERE run_id = $1), completed_at = now()
        WHERE id = $1`,
      [runId],
    );
  }

  /** A scheduled campaign whose first run started is running. */
  async markRunning(campaignId: string): Promise<void> {
    await sql(this.db, `UPDATE campaigns SET status = 'running', updated_at = now() WHERE id = $1 AND status = 'scheduled'`, [
      campaignId,
    ]);
  }

  /** Campaigns past their end, completed now: their ids. */
  async completeEnded(now: Date): Promise<string[]> {
    const ended = await sql<{ id: string }>(
      this.db,
      `WITH ended AS (
         UPDATE campaigns SET status = 'completed', updated_at = now()
          WHERE status IN ('scheduled', 'running') AND ends_at <= $1 RETURNING id)
       SELECT id FROM ended`,
      [now],
    );
    return ended.map((c) => c.id);
  }
}
