import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../auth/role';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Campaign } from './campaign.entity';
import { CampaignDecision, CampaignDecisionsRepository } from './campaign-decisions.repository';
import { ApprovalReason, approvalReasons, assertApproved, assertNotAuthor } from './launch-review.rules';

export interface ApprovalState {
  /** Empty: the campaign launches on its author's word. */
  reasons: ApprovalReason[];
  threshold: number;
  approvedBy: string | null;
  approvedAt: Date | null;
  decisions: CampaignDecision[];
}

/**
 * Four eyes on a launch: a second campaign manager (or an admin) who is not the author approves a
 * draft, or rejects it with a reason; an edit clears the approval (CampaignsService.update); launch
 * refuses a campaign that needs approval and has none. The console and the API both come here.
 */
@Injectable()
export class CampaignApprovals {
  private readonly threshold: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly decisions: CampaignDecisionsRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.threshold = config.campaigns.approvalAudienceAbove;
  }

  /** `revision`, when given, is the one the approver read: an edit since is not approved unseen. */
  approve(id: string, by: Principal, revision?: number): Promise<Campaign> {
    return this.decide(id, by, 'approved', null, revision);
  }

  reject(id: string, by: Principal, reason: string): Promise<Campaign> {
    return this.decide(id, by, 'rejected', reason.trim());
  }

  async state(campaign: Campaign, audience: number): Promise<ApprovalState> {
    return {
      reasons: approvalReasons(campaign.purpose, audience, this.threshold),
      threshold: this.threshold,
      approvedBy: campaign.approvedBy,
      approvedAt: campaign.approvedAt,
      decisions: await this.decisions.history(campaign.id),
    };
  }

  /** Refuses (409 CAMPAIGN_APPROVAL_REQUIRED) to launch a campaign of this audience without an approval. */
  assertMayLaunch(campaign: Campaign, audience: number): void {
    assertApproved(approvalReasons(campaign.purpose, audience, this.threshold), campaign.approvedBy, audience, this.threshold);
  }

  private decide(
    id: string,
    by: Principal,
    decision: 'approved' | 'rejected',
    reason: string | null,
    revision?: number,
  ): Promise<Campaign> {
    return this.db.transaction(async (manager) => {
      const repository = manager.getRepository(Campaign);
      const campaign = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!campaign) throw new NotFoundError('campaign', id);
      if (campaign.status !== 'draft') {
        throw new DomainError('CAMPAIGN_NOT_DRAFT', `a ${campaign.status} campaign is past approval`, HttpStatus.CONFLICT, [
          { field: 'status', reason: `is ${campaign.status}` },
        ]);
      }
      assertNotAuthor(campaign.createdBy, by.userId);
      if (revision !== undefined && revision !== campaign.revision) {
        throw new DomainError('CAMPAIGN_CHANGED', 'the campaign was edited since it was read', HttpStatus.CONFLICT, [
          { field: 'revision', reason: `is ${campaign.revision}, the approval read ${revision}` },
        ]);
      }
      await this.decisions.record(manager, id, { decision, decidedBy: by.userId, reason, at: this.clock.now() });
      return repository.findOneByOrFail({ id });
    });
  }
}
