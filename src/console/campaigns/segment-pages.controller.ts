import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError } from '../../common/domain-error';
import { Roles } from '../../auth/roles.decorator';
import { PageQuery } from '../../common/pagination';
import { UuidPipe } from '../../common/uuid.pipe';
import { Purpose, PURPOSES } from '../../compliance/policy.types';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, pager } from '../console-views';
import { sayProblems } from '../form-problems.rules';
import { choices, CENTRE_ZONE } from './campaign-console.rules';
import { segmentLabels } from './segment-labels';
import { SegmentForm, SegmentPreviewForm } from './segment.form';
import { SegmentWorkshopService } from './segment-workshop.service';

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
  async count(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Body() form: SegmentForm) {
    return this.counted(request, response, { form });
  }

  /** The live count: the editor's script posts the rule as typed and swaps in this fragment. */
  @Post('preview')
  @HttpCode(200)
  async preview(@Req() request: Request, @Body() form: SegmentPreviewForm) {
    const { count, problem } = await this.workshop.live(form.rule, form.purpose);
    const problems = problem && problemsOf(problem, request);
    return this.views.page(request.consoleSession!, 'campaigns/segment-count', { count, problems, zone: CENTRE_ZONE });
  }

  @Post()
  async create(@Req() request: Request, @Res() response: Response, @Body() form: SegmentForm) {
    try {
      const segment = await this.workshop.save(form, request.consoleSession!.userId);
      response.redirect(303, `/console/segments/${segment.id}?saved=1`);
    } catch (error) {
      this.refused(request, response, error, { form });
    }
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
  async countSaved(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Param('id', UuidPipe) id: string,
    @Body() form: SegmentForm,
  ) {
    const segment = await this.workshop.get(id);
    return this.counted(request, response, { segment, form });
  }

  @Post(':id')
  async update(@Req() request: Request, @Res() response: Response, @Param('id', UuidPipe) id: string, @Body() form: SegmentForm) {
    const segment = await this.workshop.get(id);
    try {
      await this.workshop.save(form, request.consoleSession!.userId, id);
      response.redirect(303, `/console/segments/${id}?saved=1`);
    } catch (error) {
      this.refused(request, response, error, { segment, form });
    }
  }

  /** The editor with the count, or with what is wrong with the rule next to it (400), what was typed kept. */
  private async counted(request: Request, response: Response, data: { form: SegmentForm; segment?: unknown }) {
    const { count, problem } = await this.workshop.live(data.form.rule, data.form.purpose);
    if (problem) response.status(400);
    return this.editor(request, { ...data, count, problems: problem && problemsOf(problem, request) });
  }

  /** A save the rules refused: the editor again, as typed, each problem next to its field; anything else is an error page. */
  private refused(request: Request, response: Response, error: unknown, data: { form: SegmentForm; segment?: unknown }): void {
    if (!(error instanceof DomainError) || error.status >= 500) throw error;
    response
      .status(error.status)
      .type('html')
      .send(this.editor(request, { ...data, problems: problemsOf(error, request) }));
  }

  private editor(request: Request, data: Record<string, unknown> & { problems?: { field: string }[] }) {
    // Each field shows its own problems; the rule's are said under the rule (and the count).
    const problemsFor = (field: string) => (data.problems ?? []).filter((p) => p.field === field);
    return this.views.page(request.consoleSession!, 'campaigns/segment', {
      active: '/console/segments',
      zone: CENTRE_ZONE,
      fields: this.workshop.fields(),
      labels: segmentLabels(request.consoleSession!.locale),
      purposes: choices('purpose', PURPOSES),
      ...data,
      nameProblems: problemsFor('name'),
      ruleProblems: (data.problems ?? []).filter((p) => p.field !== 'name'),
    });
  }
}

/** A refusal's field problems in the reader's words; a refusal without fields is about the rule as a whole. */
function problemsOf(error: DomainError, request: Request) {
  const details = error.details.length ? error.details : [{ field: 'rule', reason: error.message }];
  return sayProblems(details, request.consoleSession!.locale);
}
