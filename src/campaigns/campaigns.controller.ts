import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Principal } from '../auth/role';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidPipe } from '../common/uuid.pipe';
import { CAMPAIGN_STATUSES, CampaignStatus } from './campaign-lifecycle';
import { CampaignsService } from './campaigns.service';
import { CreateCampaignDto } from './dto/create-campaign.dto';

class CampaignListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;
}

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Post()
  @Roles('campaign_manager')
  create(@Body() body: CreateCampaignDto, @CurrentPrincipal() principal: Principal) {
    return this.campaigns.create(body, principal);
  }

  @Get()
  @Roles('campaign_manager', 'ops')
  list(@Query() query: CampaignListQuery) {
    return this.campaigns.list(query, query.status);
  }

  @Get(':id')
  @Roles('campaign_manager', 'ops')
  get(@Param('id', UuidPipe) id: string) {
    return this.campaigns.get(id);
  }

  @Post(':id/forecast')
  @HttpCode(200)
  @Roles('campaign_manager')
  forecast(@Param('id', UuidPipe) id: string) {
    return this.campaigns.forecast(id);
  }

  @Post(':id/launch')
  @HttpCode(200)
  @Roles('campaign_manager')
  launch(@Param('id', UuidPipe) id: string) {
    return this.campaigns.launch(id);
  }

  @Get(':id/funnel')
  @Roles('campaign_manager', 'ops')
  funnel(@Param('id', UuidPipe) id: string) {
    return this.campaigns.funnel(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles('campaign_manager')
  pause(@Param('id', UuidPipe) id: string) {
    return this.campaigns.transition(id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('campaign_manager')
  resume(@Param('id', UuidPipe) id: string) {
    return this.campaigns.transition(id, 'resume');
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('campaign_manager')
  cancel(@Param('id', UuidPipe) id: string) {
    return this.campaigns.transition(id, 'cancel');
  }
}
