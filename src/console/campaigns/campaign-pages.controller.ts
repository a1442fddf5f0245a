import { Body, Controller, Get, HttpCode, Param, Post, Query, Redirect, Req } from '@nestjs/common';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Request } from 'express';
import { Roles } from '../../auth/roles.decorator';
import { CAMPAIGN_STATUSES, CampaignStatus } from '../../campaigns/campaign-lifecycle';
import { PageQuery } from '../../common/pagination';
import { UuidPipe } from '../../common/uuid.pipe';
import { CHANNELS } from '../../dispatch/contact-task.entity';
import { CAMPAIGN_PURPOSES, STEP_CONDITIONS } from '../../campaigns/campaign.entity';
import { ApproveCampaignDto } from '../../campaigns/dto/approve-campaign.dto';
import { RejectCampaignDto } from '../../campaigns/dto/reject-campaign.dto';
import { ConsolePages } from '../console-page.decorator';
import { CampaignTestSender } from '../../campaigns/campaign-test-send.service';
import { ConsoleViews, pager } from '../console-views';
import { choices, CENTRE_ZONE, planRows } from './campaign-console.rules';
import { CampaignForm } from './campaign.form';
import { CampaignAct, CampaignDeskService } from './campaign-desk.service';

const see = (url: string) => ({ url, statusCode: 303 });
const ACTS = ['launch', 'pause', 'resume', 'cancel'] as const satisfies readonly CampaignAct[];
/** The plan rows the form offers; the API takes up to ten, a console campaign rarely needs more than three. */
const PLAN_ROWS = 3;

class CampaignListQuery extends PageQuery {
  @IsOptional()
  @IsIn(['', ...CAMPAIGN_STATUSES])
  status?: CampaignStatus | '';

  /** A part of the name. */
  @IsOptional()
  @IsString()
  @MaxLength(120)
  q?: string;
}

/** `POST /console/campaigns/:id/:action`: the lifecycle buttons. */
class CampaignActParams {
  @IsUUID()
  id: string;

  @IsIn(ACTS)
  action: CampaignAct;
}

/**
 * The campaign pages: the list, the new-campaign form with the message values its templates need
 * and their previews, a campaign with its values, forecast, funnel and lifecycle.
 */
@ConsolePages()
@Roles('campaign_manager')
@Controller('console/campaigns')
export class CampaignPagesController {
  constructor(
    private readonly desk: CampaignDeskService,
    private readonly views: ConsoleViews,
    private readonly testSender: CampaignTestSender,
  ) {}

  @Get()
  async list(@Req() request: Request, @Query() query: CampaignListQuery) {
    const status = query.status || undefined;
    const q = query.q?.trim() || undefined;
    const campaigns = await this.desk.list(query, status, q);
    return this.views.page(request.consoleSession!, 'campaigns/campaigns', {
      active: '/console/campaigns',
      zone: CENTRE_ZONE,
      campaigns: campaigns.items,
      total: campaigns.total,
      statuses: choices('status', CAMPAIGN_STATUSES),
      status,
      q,
      pager: pager(campaigns, '/console/campaigns', { status, q }),
    });
  }

  @Get('new')
  async newCampaign(@Req() request: Request, @Query('segmentId') segmentId?: string) {
    const offered = await this.desk.formChoices();
    const steps = Array.from({ length: PLAN_ROWS }, (_, i) => ({ channel: i === 0 ? ('sms' as const) : ('email' as const) }));
    return this.form(request, offered, { purpose: 'collections', segmentId, steps, ...offered.defaults });
  }

  /** Without saving: the form comes back with each step's message rendered in each language. */
  @Post('new/preview')
  @HttpCode(200)
  async preview(@Req() request: Request, @Body() form: CampaignForm) {
    const [offered, previews] = await Promise.all([this.desk.formChoices(form), this.desk.previewForm(form)]);
    return this.form(request, offered, form, previews);
  }

  @Post()
  @Redirect()
  async create(@Req() request: Request, @Body() form: CampaignForm) {
    const campaign = await this.desk.create(form, request.consoleSession!);
    return see(`/console/campaigns/${campaign.id}`);
  }

  @Get(':id')
  async campaign(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    const [page, sends] = await Promise.all([this.desk.page(id), this.desk.sendsOverTime(id, CENTRE_ZONE)]);
    const session = request.consoleSession!;
    return this.views.page(session, 'campaigns/campaign', {
      active: '/console/campaigns',
      zone: CENTRE_ZONE,
      ...page,
      sends,
      // The buttons its author would only be refused: the service decides, the page does not offer.
      mayDecide: page.campaign.status === 'draft' && page.campaign.createdBy !== session.userId,
      editable: page.campaign.status === 'draft' && page.campaign.segmentId !== null,
    });
  }

  @Get(':id/edit')
  async edit(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    const { campaign, form } = await this.desk.editForm(id);
    return this.form(request, await this.desk.formChoices(form), form, undefined, campaign.id);
  }

  @Post(':id/edit/preview')
  @HttpCode(200)
  async editPreview(@Req() request: Request, @Param('id', UuidPipe) id: string, @Body() form: CampaignForm) {
    const [offered, previews] = await Promise.all([this.desk.formChoices(form), this.desk.previewForm(form)]);
    return this.form(request, offered, form, previews, id);
  }

  @Post(':id/edit')
  @Redirect()
  async update(@Param('id', UuidPipe) id: string, @Body() form: CampaignForm) {
    await this.desk.update(id, form);
    return see(`/console/campaigns/${id}`);
  }

  /** What a lifecycle button is about to do (for a launch: audience, reach, duration, cost, approval), to confirm. */
  @Get(':id/confirm/:action')
  async confirm(@Req() request: Request, @Param() { id, action }: CampaignActParams) {
    return this.views.page(request.consoleSession!, 'campaigns/campaign-confirm', {
      active: '/console/campaigns',
      zone: CENTRE_ZONE,
      ...(await this.desk.confirmation(id, action)),
    });
  }

  @Post(':id/approve')
  @Redirect()
  async approve(@Req() request: Request, @Param('id', UuidPipe) id: string, @Body() body: ApproveCampaignDto) {
    await this.desk.approve(id, request.consoleSession!, body.revision);
    return see(`/console/campaigns/${id}`);
  }

  @Post(':id/reject')
  @Redirect()
  async reject(@Req() request: Request, @Param('id', UuidPipe) id: string, @Body() body: RejectCampaignDto) {
    await this.desk.reject(id, request.consoleSession!, body.reason);
    return see(`/console/campaigns/${id}`);
  }

  /** The first step to the staff seed list, before launch (CampaignTestSender, as POST /campaigns/:id/test-send); what went where. */
  @Post(':id/test-send')
  @HttpCode(200)
  async testSend(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    const page = await this.desk.page(id);
    const sent = await this.testSender.send(id);
    return this.views.page(request.consoleSession!, 'campaigns/test-send', {
      active: '/console/campaigns',
      campaign: page.campaign,
      sent,
    });
  }

  /** The funnel fragment the campaign page's script polls while the campaign runs. */
  @Get(':id/funnel')
  async funnel(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    return this.views.page(request.consoleSession!, 'campaigns/funnel', { funnel: await this.desk.funnel(id) });
  }

  @Post(':id/:action')
  @Redirect()
  async act(@Param() { id, action }: CampaignActParams) {
    await this.desk.act(id, action);
    return see(`/console/campaigns/${id}`);
  }

  private form(
    request: Request,
    offered: Awaited<ReturnType<CampaignDeskService['formChoices']>>,
    form: Partial<CampaignForm> & Pick<CampaignForm, 'purpose' | 'steps'>,
    previews?: unknown,
    editing?: string,
  ) {
    return this.views.page(request.consoleSession!, 'campaigns/campaign-new', {
      active: '/console/campaigns',
      ...offered,
      form,
      plan: planRows(form.steps ?? [], form.purpose, offered.templates),
      editing,
      titleKey: editing ? 'launch.edit.title' : 'campaigns.new.title',
      previews,
      purposes: choices('purpose', CAMPAIGN_PURPOSES),
      channels: choices('channel', CHANNELS),
      conditions: choices('condition', STEP_CONDITIONS),
    });
  }
}
