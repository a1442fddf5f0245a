import { Module } from '@nestjs/common';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { RunMaterialiser } from './run-materialiser';

@Module({
  controllers: [CampaignsController],
  providers: [CampaignsService, RunMaterialiser],
  exports: [CampaignsService, RunMaterialiser],
})
export class CampaignsModule {}
