import { pipeline } from 'node:stream/promises';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Discloses } from '../../auth/personal-data.interceptor';
import { Roles } from '../../auth/roles.decorator';
import { ValidationFailedError } from '../../common/domain-error';
import { UuidPipe } from '../../common/uuid.pipe';
import { CHANNELS, PURPOSES, TASK_STATUSES } from '../../dispatch/contact-task.entity';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, pager } from '../console-views';
import { sayProblems } from '../form-problems.rules';
import { ContactLogService } from './contact-log.service';
import { askView } from './eligibility-ask.form';
import { CustomerTimelineService } from './customer-timeline.service';
import { OpsAuditService } from './ops-audit.service';
import { WorkOrdersService } from '../../work-orders/work-orders.service';
import { slaFigures } from '../work-orders/sla-chart.rules';
import { OpsDashboardService } from './ops-dashboard.service';
import { AuditLogForm, ContactLogForm, DashboardForm, queryOf, TimelineForm, ZONES } from './ops-filters.form';

/**
 * The ops pages: the contact log (and its CSV), a customer's timeline (with the "could we contact
 * them at…?" form, answered by OpsEligibilityController), the dashboard, the audit log.
 */
@ConsolePages()
@Roles('ops')
@Controller('console/ops')
export class OpsController {
  constructor(
    private readonly log: ContactLogService,
    private readonly timelines: CustomerTimelineService,
    private readonly dashboards: OpsDashboardService,
    private readonly audits: OpsAuditService,
    private readonly views: ConsoleViews,
    private readonly workOrders: WorkOrdersService,
  ) {}

  @Get('log')
  @Discloses('customer', 'list', { page: true })
  async contactLog(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Query() filter: ContactLogForm) {
    const session = request.consoleSession!;
    const campaigns = await this.log.campaigns();
    const options = { purposes: PURPOSES, channels: CHANNELS, statuses: TASK_STATUSES, zones: ZONES, campaigns };
    let page: Awaited<ReturnType<ContactLogService['page']>>;
    try {
      page = await this.log.page(filter, session);
    } catch (error) {
      // A filter that names no customer, or a time the zone skips: said next to its field, the filters as typed.
      if (!(error instanceof ValidationFailedError)) throw error;
      response.status(400);
      const problems = sayProblems(error.details, session.locale);
      return this.views.page(session, 'ops/log', {
        title: 'log',
        active: '/console/ops/log',
        filter,
        options,
        entries: [],
        problems: Object.fromEntries(problems.map((p) => [p.field, p])),
        // A problem with no field of its own on the form (a stale page cursor): above the form.
        otherProblems: problems.filter((p) => !['customer', 'from', 'to'].includes(p.field)),
      });
    }
    const kept = queryOf(filter, ['before']);
    return this.views.page(session, 'ops/log', {
      title: 'log',
      active: '/console/ops/log',
      filter,
      options,
      entries: page.items,
      older: page.next
        ? `/console/ops/log?${new URLSearchParams({ ...kept, before: page.next } as Record<string, string>)}`
        : undefined,
      newest: filter.before ? `/console/ops/log?${new URLSearchParams(kept as Record<string, string>)}` : undefined,
      csv: `/console/ops/log.csv?${new URLSearchParams(queryOf(filter, ['before', 'limit']) as Record<string, string>)}`,
    });
  }

  @Get('log.csv')
  @Discloses('customer', 'list', { page: true })
  async contactLogCsv(@Req() request: Request, @Query() filter: ContactLogForm, @Res() response: Response) {
    // Personal data leaving Herald: who took which slice of the log is evidence too.
    request.audit = {
      ...request.audit!,
      read: true,
      target: new URLSearchParams(request.query as Record<string, string>).toString() || 'all',
    };
    const csv = await this.log.csv(filter, request.consoleSession!);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="contact-log-${new Date().toISOString().slice(0, 10)}.csv"`);
    await pipeline(csv, response);
  }

  @Get('customers/:id')
  @Discloses('customer', 'list', { page: true })
  async timeline(@Req() request: Request, @Param('id', UuidPipe) id: string, @Query() query: TimelineForm) {
    const session = request.consoleSession!;
    const timeline = await this.timelines.timeline(id, query, session);
    const zone = query.zone ?? timeline.customer.timezone;
    return this.views.page(session, 'ops/timeline', {
      title: timeline.customer.externalRef,
      active: '/console/ops/log',
      zone,
      ask: askView(id, { purpose: 'collections', channel: 'call' }, zone),
      ...timeline,
      events: timeline.events.items,
      pager: pager(timeline.events, `/console/ops/customers/${id}`, queryOf({ zone: query.zone })),
    });
  }

  @Get('dashboard')
  async dashboard(@Req() request: Request, @Query() query: DashboardForm) {
    const session = request.consoleSession!;
    return this.views.page(session, 'ops/dashboard', {
      title: 'dashboard',
      active: '/console/ops/dashboard',
      zones: ZONES,
      ...(await this.dashboards.dashboard(query.zone)),
      // The work orders' SLA over the last 30 days, as the supervisors' page shows it (GET /work-orders/stats).
      sla: slaFigures(await this.workOrders.stats({}), session.locale),
    });
  }

  @Get('audit')
  async audit(@Req() request: Request, @Query() filter: AuditLogForm) {
    const session = request.consoleSession!;
    const page = await this.audits.search(filter);
    return this.views.page(session, 'ops/audit', {
      title: 'audit',
      active: '/console/ops/audit',
      filter,
      zones: ZONES,
      events: page.items,
      pager: pager(page, '/console/ops/audit', queryOf(filter, ['offset', 'limit'])),
    });
  }
}
