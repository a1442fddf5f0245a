import { Body, Controller, Get, HttpCode, Param, Post, Query, Redirect, Req } from '@nestjs/common';
import { Request } from 'express';
import { Roles } from '../../auth/roles.decorator';
import { PageQuery } from '../../common/pagination';
import { UuidPipe } from '../../common/uuid.pipe';
import { Purpose, PURPOSES } from '../../compliance/policy.types';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, pager } from '../console-views';
import { choices, CENTRE_ZONE } from './campaign-console.rules';
import { SegmentForm, SegmentPreviewForm } from './segment.form';
import { SegmentWorkshopService } from './segment-workshop.service';

const see = (url: string) => ({ url, statusCode: 303 });
/** A new segment starts as everyone: the count shows the whole book until a row narrows it. */
const EVERYONE = '{\n  "all": []\n}';
/** Reachability is judged for a purpose; a saved segment is shown for collections until the manager picks another. */
const FIRST_PURPOSE: Purpose = 'collections';

/** The segment pages: the list, the editor with its live count and reachability, saving. */
@ConsolePages()
@Roles('campaign_manager')
@Controller('console/segments')
export class SegmentPagesController {
  constructor(
    private readonly workshop: SegmentWorkshopService,
    private readonly views: ConsoleViews,
  ) {}

  @Get()
  async list(@Req() request: Request, @Query() page: PageQuery) {
    const segments = await this.workshop.list(page);
    return this.views.page(request.consoleSession!, 'campaigns/segments', {
      active: '/console/segments',
      zone: CENTRE_ZONE,
      segments: segments.items,
      pager: pager(segments, '/console/segments'),
    });
  }

  @Get('new')
  newSegment(@Req() request: Request) {
    return this.editor(request, { form: { rule: EVERYONE, purpose: FIRST_PURPOSE } });
  }

  /** Without script, the editor's "Preview" button posts here and the page comes back with the count. */
  @Post('count')
  @HttpCode(200)
  async count(@Req() request: Request, @Body() form: SegmentForm) {
    return this.editor(request, { form, count: await this.workshop.count(form.rule, form.purpose) });
  }

  /** The live count: the editor's script posts the rule as typed and swaps in this fragment. */
  @Post('preview')
  @HttpCode(200)
  async preview(@Req() request: Request, @Body() form: SegmentPreviewForm) {
    const { count, problem } = await this.workshop.live(form.rule, form.purpose);
    return this.views.page(request.consoleSession!, 'campaigns/segment-count', { count, problem, zone: CENTRE_ZONE });
  }

  @Post()
  @Redirect()
  async create(@Req() request: Request, @Body() form: SegmentForm) {
    const segment = await this.workshop.save(form, request.consoleSession!.userId);
    return see(`/console/segments/${segment.id}?saved=1`);
  }

  @Get(':id')
  async segment(@Req() request: Request, @Param('id', UuidPipe) id: string, @Query('saved') saved?: string) {
    const segment = await this.workshop.get(id);
    const form = {
      name: segment.name,
      description: segment.description ?? '',
      rule: JSON.stringify(segment.rule, null, 2),
      purpose: FIRST_PURPOSE,
    };
    return this.editor(request, {
      segment,
      form,
      saved: saved === '1',
      count: await this.workshop.count(form.rule, form.purpose),
    });
  }

  @Post(':id/count')
  @HttpCode(200)
  async countSaved(@Req() request: Request, @Param('id', UuidPipe) id: string, @Body() form: SegmentForm) {
    const segment = await this.workshop.get(id);
    return this.editor(request, { segment, form, count: await this.workshop.count(form.rule, form.purpose) });
  }

  @Post(':id')
  @Redirect()
  async update(@Req() request: Request, @Param('id', UuidPipe) id: string, @Body() form: SegmentForm) {
    await this.workshop.save(form, request.consoleSession!.userId, id);
    return see(`/console/segments/${id}?saved=1`);
  }

  private editor(request: Request, data: Record<string, unknown>) {
    return this.views.page(request.consoleSession!, 'campaigns/segment', {
      active: '/console/segments',
      zone: CENTRE_ZONE,
      fields: this.workshop.fields(),
      purposes: choices('purpose', PURPOSES),
      ...data,
    });
  }
}
