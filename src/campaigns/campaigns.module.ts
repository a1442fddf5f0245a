import { Module } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { SegmentsModule } from '../segments/segments.module';
import { TemplatesModule } from '../templates/templates.module';
import { CampaignAudience } from './campaign-audience';
import { CampaignLauncher } from './campaign-launcher';
import { CampaignPreview } from './campaign-preview';
import { CampaignResults } from './campaign-results';
import { CampaignScheduler } from './campaign.scheduler';
import { CampaignTemplates } from './campaign-templates';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { RunMaterialiser } from './run-materialiser';

/** Campaigns: lifecycle, launch checks and pins, schedules, materialised runs, funnels. */
@Module({
  imports: [SegmentsModule, TemplatesModule, ComplianceModule, DispatchModule],
  controllers: [CampaignsController],
  providers: [
    CampaignsService,
    CampaignAudience,
    CampaignLauncher,
    CampaignPreview,
    CampaignScheduler,
    CampaignTemplates,
    CampaignResults,
    RunMaterialiser,
  ],
  exports: [CampaignsService, CampaignTemplates, CampaignPreview],
})
export class CampaignsModule {}
