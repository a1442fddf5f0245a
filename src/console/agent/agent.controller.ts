import { Body, Controller, Get, Param, Post, Query, Redirect, Req } from '@nestjs/common';
import { Request } from 'express';
import { Discloses } from '../../auth/personal-data.interceptor';
import { Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, pager } from '../console-views';
import { AgentDeskService } from './agent-desk.service';
import { DispositionForm, QueueQuery } from './disposition.form';

const see = (url: string) => ({ url, statusCode: 303 });

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
  @Redirect()
  async dispose(@Req() request: Request, @Param('id', UuidPipe) id: string, @Body() form: DispositionForm) {
    await this.desk.complete(id, request.consoleSession!, form);
    return see('/console/agent?done=1');
  }
}
