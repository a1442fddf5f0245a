import { Body, Controller, Get, Param, Post, Query, Redirect, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { FINAL_CALL_STATES } from '../../delivery-reports/call-state';
import { CONSOLE_MESSAGES } from '../i18n/catalogue';
import { translate } from '../i18n/messages';
import { CallStateHub } from './call-state.hub';
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

/** How long one call-state stream stays open at most (EventSource reconnects by itself after). */
const STREAM_LIFETIME_MS = 10 * 60_000;

/** The agent's pages: the queue and the task in hand. */
@ConsolePages()
@Roles('agent')
@Controller('console/agent')
export class AgentController {
  constructor(
    private readonly desk: AgentDeskService,
    private readonly views: ConsoleViews,
    private readonly calls: CallStateHub,
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
      retry: query.retry,
      staffZone: this.desk.staffZone,
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
  async task(
    @Req() request: Request,
    @Param('id', UuidPipe) id: string,
    @Query('called') called?: string,
    @Query('confirmed') confirmed?: string,
  ) {
    const session = request.consoleSession!;
    const workspace = await this.desk.workspace(id, session);
    return this.views.page(session, 'agent/task', {
      title: workspace.customer.fullName,
      active: '/console/agent',
      ...workspace,
      called,
      confirmed: confirmed === '1',
    });
  }

  /** Back to the queue, for another agent: the same rule as the API's (AgentQueueService.release). */
  @Post('tasks/:id/release')
  @Redirect()
  async release(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    await this.desk.release(id, request.consoleSession!.userId);
    return see('/console/agent?released=1');
  }

  /**
   * The call's live state for the task page (ringing, in progress, completed, no answer …):
   * server-sent events fed by Twilio's status callbacks (CallStateHub), from its state now until
   * a final one. `call`: the provider's id the page got when the call was placed.
   */
  @Get('tasks/:id/call/events')
  async callEvents(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', UuidPipe) id: string,
    @Query('call') providerRef?: string,
  ): Promise<void> {
    const session = request.consoleSession!;
    const watched = await this.desk.watchedCall(id, session, typeof providerRef === 'string' ? providerRef : undefined);
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    if (!watched.call) {
      response.end(`event: call\ndata: ${JSON.stringify({ status: 'none' })}\n\n`);
      return;
    }
    const attemptId = watched.call.attemptId;
    let last: string | undefined;
    let stop = () => {};
    const keepAlive = setInterval(() => response.write(': still here\n\n'), 15_000);
    // A call whose last callback never comes does not hold a connection for ever: the browser reconnects and reads the state anew.
    const lifetime = setTimeout(() => finish(), STREAM_LIFETIME_MS);
    const finish = () => {
      clearInterval(keepAlive);
      clearTimeout(lifetime);
      stop();
      if (!response.writableEnded) response.end();
    };
    const tell = (status: string) => {
      if (status === last || response.writableEnded) return;
      last = status;
      const label = translate(CONSOLE_MESSAGES, session.locale, `agent.call.state.${status}`);
      response.write(`event: call\ndata: ${JSON.stringify({ status, label, final: FINAL_CALL_STATES.includes(status) })}\n\n`);
      if (FINAL_CALL_STATES.includes(status)) finish();
    };
    // The response's close, not the request's: a request without a body may report 'close' as soon as it is read.
    response.on('close', finish);
    // Listening first, then the state now: a callback between the two is not lost (a repeat is not sent twice).
    stop = await this.calls.watch(watched.customerId, (notice) => {
      if (notice.attemptId === attemptId) tell(notice.status);
    });
    if (response.writableEnded) stop();
    const now = await this.desk.callStatus(attemptId);
    if (now) tell(now);
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
    let recorded: Awaited<ReturnType<AgentDeskService['complete']>>;
    try {
      recorded = await this.desk.complete(id, session, form);
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
    // Fraud confirmed on the call: the same task, now with the next-steps script, the customer still on the line.
    if (recorded.agentTask?.after === 'kept') return response.redirect(303, `/console/agent/tasks/${id}?confirmed=1`);
    if (recorded.agentTask?.after === 'retry') {
      return response.redirect(303, `/console/agent?retry=${encodeURIComponent(recorded.agentTask.nextTry!)}`);
    }
    response.redirect(303, '/console/agent?done=1');
  }
}
