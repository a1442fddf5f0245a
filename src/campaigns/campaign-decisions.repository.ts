import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sql } from '../database/sql';

export type CampaignDecisionKind = 'approved' | 'rejected';

export interface CampaignDecision {
  decision: CampaignDecisionKind;
  decidedBy: string;
  /** The decider's name, as the campaign page shows it. */
  decidedByName: string;
  reason: string | null;
  decidedAt: Date;
}

/** The four-eyes record: who approved or rejected a campaign, when, and why. */
@Injectable()
export class CampaignDecisionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Sets (an approval) or clears (a rejection) the approval the campaign stands on, and keeps the decision. */
  async record(
    manager: EntityManager,
    campaignId: string,
    decision: { decision: CampaignDecisionKind; decidedBy: string; reason: string | null; at: Date },
  ): Promise<void> {
    const approved = decision.decision === 'approved';
    await sql(manager, `UPDATE campaigns SET approved_by = $2, approved_at = $3 WHERE id = $1`, [
      campaignId,
      approved ? decision.decidedBy : null,
      approved ? decision.at : null,
    ]);
    await sql(
      manager,
      `INSERT INTO campaign_decisions (campaign_id, decision, decided_by, reason, decided_at) VALUES ($1, $2, $3, $4, $5)`,
      [campaignId, decision.decision, decision.decidedBy, decision.reason, decision.at],
    );
  }

  /** Newest first. */
  history(campaignId: string): Promise<CampaignDecision[]> {
    return sql<CampaignDecision>(
      this.db,
      `SELECT d.decision, d.decided_by AS "decidedBy", u.display_name AS "decidedByName", d.reason, d.decided_at AS "decidedAt"
         FROM campaign_decisions d JOIN users u ON u.id = d.decided_by
        WHERE d.campaign_id = $1 ORDER BY d.decided_at DESC, d.id DESC`,
      [campaignId],
    );
  }
}
