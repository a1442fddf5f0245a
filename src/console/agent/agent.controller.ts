import { Body, Controller, Get, Param, Post, Query, Redirect, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError } from '../../common/domain-error';
import { Discloses } from '../../auth/personal-data.interceptor';
import { Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, pager } from '../console-views';
import { sayProblems } from '../form-problems.rules';
import { AgentDeskService } from './agent-desk.service';
import { DispositionForm, QueueQuery } from './disposition.form';

const see = (url: string) => ({ url, statusCode: 303 });
/** The refusals that are about a field of the form: said next to it, on the form. */
const FIELD_REFUSALS = /^(VALIDATION_FAILED|DISPOSITION_\w+_MISMATCH)$/;

/** The agent's pages: the queue and the task in hand. */
@ConsolePages()
@Roles('agent')
@Controller('console/agent')
export class AgentController {
  constructor(
    private readonly desk: AgentDeskService,
    private readonly views: ConsoleViews,
  ) {}

  @Get()
  @Discloses('customer', 'list', { page: true })
  async queue(@Req() request: Request, @Query() query: QueueQuery) {
    const session = request.consoleSession!;
    const tasks = await this.desk.queue(session, query);
    return this.views.page(session, 'agent/queue', {
      title: 'queue',
      active: '/console/agent',
      tasks: tasks.items,
      pager: pager(tasks, '/console/agent'),
      done: query.done === '1',
      empty: query.empty === '1',
      released: query.released === '1',
    });
  }

  @Post('next')
  @Redirect()
  async takeNext(@Req() request: Request) {
    const id = await this.desk.takeNext(request.consoleSession!.userId);
    return see(id ? `/console/agent/tasks/${id}` : '/console/agent?empty=1');
  }

  @Post('tasks/:id/take')
  @Redirect()
  async take(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    await this.desk.take(id, request.consoleSession!.userId);
    return see(`/console/agent/tasks/${id}`);
  }

  @Get('tasks/:id')
  @Discloses('customer', 'detail', { page: true })
  async task(@Req() request: Request, @Param('id', UuidPipe) id: string, @Query('called') called?: string) {
    const session = request.consoleSession!;
    const workspace = await this.desk.workspace(id, session);
    return this.views.page(session, 'agent/task', {
      title: workspace.customer.fullName,
      active: '/console/agent',
      ...workspace,
      called,
    });
  }

  /** Back to the queue, for another agent: the same rule as the API's (AgentQueueService.release). */
  @Post('tasks/:id/release')
  @Redirect()
  async release(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    await this.desk.release(id, request.consoleSession!.userId);
    return see('/console/agent?released=1');
  }

  @Post('tasks/:id/call')
  @Redirect()
  async call(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    const placed = await this.desk.call(id, request.consoleSession!);
    return see(`/console/agent/tasks/${id}?called=${encodeURIComponent(placed.providerRef)}`);
  }

  @Post('tasks/:id/disposition')
  async dispose(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', UuidPipe) id: string,
    @Body() form: DispositionForm,
  ) {
    const session = request.consoleSession!;
    try {
      await this.desk.complete(id, session, form);
    } catch (error) {
      // A field the rules refused (a call back without a time, or at a time the policy forbids): the task
      // page again, the problem next to its field in the agent's words, everything typed and ticked kept.
      // Refusals of the whole outcome (a settled case, identity not checked) keep their own pages.
      if (!(error instanceof DomainError) || !FIELD_REFUSALS.test(error.code) || error.details.length === 0) throw error;
      const workspace = await this.desk.workspace(id, session);
      const problems = sayProblems(error.details, session.locale);
      response
        .status(error.status)
        .type('html')
        .send(
          this.views.page(session, 'agent/task', {
            title: workspace.customer.fullName,
            active: '/console/agent',
            ...workspace,
            form,
            problems,
            problemFor: Object.fromEntries(problems.map((p) => [p.field, p])),
          }),
        );
      return;
    }
    response.redirect(303, '/console/agent?done=1');
  }
}
