import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Principal } from '../auth/role';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidPipe } from '../common/uuid.pipe';
import { CampaignApprovals } from './campaign-approvals.service';
import { CampaignTestSender } from './campaign-test-send.service';
import { CAMPAIGN_STATUSES, CampaignStatus } from './campaign-lifecycle';
import { CampaignsService } from './campaigns.service';
import { CREATE_CAMPAIGN_EXAMPLES, CreateCampaignDto } from './dto/create-campaign.dto';
import { ApproveCampaignDto } from './dto/approve-campaign.dto';
import { RejectCampaignDto } from './dto/reject-campaign.dto';
import { UpdateCampaignDto } from './dto/update-campaign.dto';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { Answers, AnswersPage } from '../common/api-responses';
import { CAMPAIGN, CAMPAIGN_PREVIEW, FORECAST, FUNNEL, LAUNCH_REVIEW, TEST_SEND } from './campaign.schemas';

const REFUSED_FOR_TEMPLATES =
  "the plan's templates cannot be sent by this campaign with these values: CAMPAIGN_VARIABLE_MISSING, " +
  'CAMPAIGN_VARIABLE_INVALID, CAMPAIGN_VARIABLE_UNKNOWN, CAMPAIGN_VARIABLE_UNUSED, CAMPAIGN_TEMPLATE_UNKNOWN, ' +
  'CAMPAIGN_TEMPLATE_PURPOSE, CAMPAIGN_TEMPLATE_CHANNEL or CAMPAIGN_TEMPLATE_EVENT_FIELD, each detail naming its field ' +
  '(`variables.link.url`, `plan.0.template`)';

class CampaignListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: CampaignStatus;

  @ApiPropertyOptional({ description: 'campaigns whose name contains this, in any case', example: 'reminder' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  q?: string;
}

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly approvals: CampaignApprovals,
    private readonly testSender: CampaignTestSender,
  ) {}

  @Post()
  @Roles('campaign_manager')
  @Idempotent()
  @ApiBody({ type: CreateCampaignDto, examples: CREATE_CAMPAIGN_EXAMPLES })
  @Answers(CAMPAIGN, { status: 201, description: 'the draft' })
  @ApiUnprocessableEntityResponse({ description: REFUSED_FOR_TEMPLATES })
  create(@Body() body: CreateCampaignDto, @CurrentPrincipal() principal: Principal) {
    return this.campaigns.create(body, principal);
  }

  @Get()
  @Roles('campaign_manager', 'ops')
  @AnswersPage(CAMPAIGN)
  list(@Query() query: CampaignListQuery) {
    return this.campaigns.list(query, query.status, query.q);
  }

  @Get(':id')
  @Roles('campaign_manager', 'ops')
  @Answers(CAMPAIGN)
  get(@Param('id', UuidPipe) id: string) {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  @Roles('campaign_manager')
  @Answers(CAMPAIGN, { description: 'the draft as changed; a campaign already launched answers 409 CAMPAIGN_NOT_DRAFT' })
  @ApiUnprocessableEntityResponse({ description: REFUSED_FOR_TEMPLATES })
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateCampaignDto) {
    return this.campaigns.update(id, body);
  }

  @Get(':id/preview')
  @Roles('campaign_manager', 'ops')
  @Answers(CAMPAIGN_PREVIEW, {
    description:
      "each step's message in each language with the campaign's values, for a sample customer (the pinned versions " +
      'once launched); `sampled` lists the values a sample stood in for',
  })
  preview(@Param('id', UuidPipe) id: string) {
    return this.campaigns.preview(id);
  }

  @Post(':id/forecast')
  @HttpCode(200)
  @Roles('campaign_manager')
  @Answers(FORECAST)
  forecast(@Param('id', UuidPipe) id: string) {
    return this.campaigns.forecast(id);
  }

  @Get(':id/launch-review')
  @Roles('campaign_manager')
  @Answers(LAUNCH_REVIEW, {
    description:
      'what a launch is confirmed on: the audience; per channel reachable now, later and blocked (by what); the first ' +
      "step's duration at its pace; the most it can cost (UNIT_PRICE_*, SMS in segments); whether a second manager must " +
      'approve (MARKETING, AUDIENCE_ABOVE_THRESHOLD), who did, and every approval and rejection',
  })
  launchReview(@Param('id', UuidPipe) id: string) {
    return this.campaigns.launchReview(id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('campaign_manager')
  @Idempotent()
  @Answers(CAMPAIGN, {
    description:
      'the draft, approved by the caller; its author answers 403 CAMPAIGN_APPROVER_IS_AUTHOR, a launched campaign 409 ' +
      'CAMPAIGN_NOT_DRAFT, a campaign edited since the `revision` the approver read 409 CAMPAIGN_CHANGED. An edit ' +
      'clears the approval.',
  })
  approve(@Param('id', UuidPipe) id: string, @Body() body: ApproveCampaignDto, @CurrentPrincipal() principal: Principal) {
    return this.approvals.approve(id, principal, body.revision);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('campaign_manager')
  @Idempotent()
  @Answers(CAMPAIGN, { description: 'the draft, its approval (if any) withdrawn, the reason kept; refused as approve is' })
  reject(@Param('id', UuidPipe) id: string, @Body() body: RejectCampaignDto, @CurrentPrincipal() principal: Principal) {
    return this.approvals.reject(id, principal, body.reason);
  }

  @Post(':id/launch')
  @HttpCode(200)
  @Roles('campaign_manager')
  @Idempotent()
  @Answers(CAMPAIGN, {
    description:
      'launched; a marketing campaign, or one with an audience above CAMPAIGN_APPROVAL_AUDIENCE_ABOVE, without a second ' +
      "manager's approval answers 409 CAMPAIGN_APPROVAL_REQUIRED; a campaign edited while it was being launched 409 " +
      'CAMPAIGN_CHANGED (the approval is read again, and the launch decided, under the campaign row’s lock)',
  })
  launch(@Param('id', UuidPipe) id: string) {
    return this.campaigns.launch(id);
  }

  @Post(':id/test-send')
  @HttpCode(200)
  @Roles('campaign_manager')
  @ApiOperation({
    summary:
      "Sends the campaign's first step to the staff seed list (CAMPAIGN_TEST_PHONES, CAMPAIGN_TEST_EMAILS) before launch, " +
      'in every language its template has, marked [TEST], through the real channels — outside the customer book, the ' +
      'contact log and the caps. Audited.',
  })
  @Answers(TEST_SEND, { description: "each seed address and language: `to` masked, the provider's reference and status" })
  @ApiConflictResponse({ description: 'CAMPAIGN_TEST_SEEDS_MISSING: no seed for the first step’s channel is set' })
  testSend(@Param('id', UuidPipe) id: string) {
    return this.testSender.send(id);
  }

  @Get(':id/funnel')
  @Roles('campaign_manager', 'ops')
  @Answers(FUNNEL)
  funnel(@Param('id', UuidPipe) id: string) {
    return this.campaigns.funnel(id);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles('campaign_manager')
  @Idempotent()
  @Answers(CAMPAIGN)
  pause(@Param('id', UuidPipe) id: string) {
    return this.campaigns.transition(id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('campaign_manager')
  @Idempotent()
  @Answers(CAMPAIGN)
  resume(@Param('id', UuidPipe) id: string) {
    return this.campaigns.transition(id, 'resume');
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('campaign_manager')
  @Idempotent()
  @Answers(CAMPAIGN)
  cancel(@Param('id', UuidPipe) id: string) {
    return this.campaigns.transition(id, 'cancel');
  }
}
