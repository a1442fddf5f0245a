import { Module } from '@nestjs/common';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { FollowUps } from './follow-ups';
import { RunMaterialiser } from './run-materialiser';

@Module({
  controllers: [CampaignsController],
  providers: [CampaignsService, RunMaterialiser, FollowUps],
  exports: [CampaignsService, RunMaterialiser, FollowUps],
})
export class CampaignsModule {}
