import { ChannelsModule } from '../channels/channels.module';
import { CampaignTestSender } from './campaign-test-send.service';
import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { SegmentsModule } from '../segments/segments.module';
import { TemplatesModule } from '../templates/templates.module';
import { CampaignApprovals } from './campaign-approvals.service';
import { CampaignAudience } from './campaign-audience';
import { CampaignAudienceRepository } from './campaign-audience.repository';
import { CampaignDecisionsRepository } from './campaign-decisions.repository';
import { CampaignLauncher } from './campaign-launcher';
import { CampaignPreview } from './campaign-preview';
import { CampaignResults } from './campaign-results';
import { CampaignScheduler } from './campaign.scheduler';
import { CampaignTemplates } from './campaign-templates';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { LaunchReviewService } from './launch-review.service';
import { RunMaterialiser } from './run-materialiser';
import { CampaignRunsRepository } from './campaign-runs.repository';
import { CampaignResultsRepository } from './campaign-results.repository';

/** Campaigns: lifecycle, four-eyes approval, launch review, checks and pins, schedules, materialised runs, funnels. */
@Module({
  imports: [SegmentsModule, TemplatesModule, ComplianceModule, DispatchModule, ChannelsModule],
  controllers: [CampaignsController],
  providers: [
    CampaignsService,
    CampaignApprovals,
    CampaignDecisionsRepository,
    LaunchReviewService,
    CampaignAudience,
    CampaignAudienceRepository,
    CampaignLauncher,
    CampaignPreview,
    CampaignTestSender,
    CampaignScheduler,
    CampaignTemplates,
    CampaignResults,
    RunMaterialiser,
    CampaignRunsRepository,
    CampaignResultsRepository,
  ],
  exports: [CampaignsService, CampaignApprovals, LaunchReviewService, CampaignTemplates, CampaignPreview, CampaignTestSender],
})
export class CampaignsModule {}
