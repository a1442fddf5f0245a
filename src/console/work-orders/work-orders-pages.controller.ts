import { Body, Controller, Get, Param, Post, Query, Redirect, Req } from '@nestjs/common';
import { Request } from 'express';
import { isScoped } from '../../auth/agent-access.rules';
import { Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { ListWorkOrdersDto } from '../../work-orders/dto/list-work-orders.dto';
import { ResolveWorkOrderDto } from '../../work-orders/dto/work-order-action.dto';
import { WORK_ORDER_OUTCOMES, WORK_ORDER_STATUSES } from '../../work-orders/work-order.rules';
import { WorkOrdersService } from '../../work-orders/work-orders.service';
import { WorkQueuesService } from '../../work-orders/work-queues.service';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, pager } from '../console-views';
import { slaFigures } from './sla-chart.rules';

const see = (url: string) => ({ url, statusCode: 303 });

/**
 * Work orders in the console, over the same service as the API: an agent's view (the free orders
 * of its queues and its own, take the next, resolve) and a supervisor's (every order, filters,
 * the SLA figures per queue and severity). Kept apart from the agent desk on purpose.
 */
@ConsolePages()
@Roles('agent', 'ops', 'campaign_manager')
@Controller('console/work-orders')
export class WorkOrdersPagesController {
  constructor(
    private readonly orders: WorkOrdersService,
    private readonly queues: WorkQueuesService,
    private readonly views: ConsoleViews,
  ) {}

  @Get()
  async list(@Req() request: Request, @Query() filter: ListWorkOrdersDto) {
    const session = request.consoleSession!;
    const supervisor = !isScoped(session);
    const [page, stats, notifications] = await Promise.all([
      this.orders.list(filter, session),
      supervisor ? this.orders.stats({}) : undefined,
      this.queues.notificationsOf(session.userId, 10),
    ]);
    return this.views.page(session, 'work-orders/list', {
      title: 'work orders',
      active: '/console/work-orders',
      supervisor,
      filter,
      statuses: WORK_ORDER_STATUSES,
      orders: page.items,
      pager: pager(page, '/console/work-orders', { queue: filter.queue, status: filter.status }),
      sla: stats ? slaFigures(stats, session.locale) : undefined,
      notifications,
    });
  }

  @Post('next')
  @Roles('agent')
  @Redirect()
  async next(@Req() request: Request) {
    const order = await this.orders.next(request.consoleSession!);
    return see(order ? `/console/work-orders/${order.id}` : '/console/work-orders?empty=1');
  }

  @Get(':id')
  async detail(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    const session = request.consoleSession!;
    const order = await this.orders.get(id, session);
    const open = order.closedAt === null;
    return this.views.page(session, 'work-orders/detail', {
      title: order.summary,
      active: '/console/work-orders',
      order,
      canClaim: order.status === 'open',
      canResolve: open && order.status !== 'open' && (order.assigneeId === session.userId || !isScoped(session)),
      outcomes: WORK_ORDER_OUTCOMES,
    });
  }

  @Post(':id/claim')
  @Redirect()
  async claim(@Req() request: Request, @Param('id', UuidPipe) id: string) {
    await this.orders.claim(id, request.consoleSession!);
    return see(`/console/work-orders/${id}`);
  }

  @Post(':id/resolve')
  @Redirect()
  async resolve(@Req() request: Request, @Param('id', UuidPipe) id: string, @Body() body: ResolveWorkOrderDto) {
    await this.orders.resolve(id, body, request.consoleSession!);
    return see(`/console/work-orders/${id}`);
  }
}
