import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiForbiddenResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/role';
import { AgentScope, CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { ListWorkOrdersDto } from './dto/list-work-orders.dto';
import { RecordComplaintDto } from './dto/record-complaint.dto';
import { ResolveWorkOrderDto, WorkOrderActionDto } from './dto/work-order-action.dto';
import { WorkOrderStatsQueryDto } from './dto/work-order-stats-query.dto';
import { WorkOrdersService } from './work-orders.service';
import { Answers, AnswersPage } from '../common/api-responses';
import { WORK_ORDER, WORK_ORDER_DETAIL, WORK_ORDER_STATS } from './work-order.schemas';

@ApiTags('work-orders')
@Controller('work-orders')
export class WorkOrdersController {
  constructor(private readonly orders: WorkOrdersService) {}

  @Get()
  @Roles('agent', 'ops', 'campaign_manager')
  @AnswersPage(WORK_ORDER, {
    description: 'Open orders first, soonest due first. An agent sees the free orders of its queues and its own.',
  })
  list(@Query() query: ListWorkOrdersDto, @CurrentPrincipal() principal: Principal) {
    return this.orders.list(query, principal);
  }

  @Get('stats')
  @Roles('ops', 'campaign_manager', 'integration')
  @Answers(WORK_ORDER_STATS, {
    description:
      'Per queue and severity: orders opened in [from, to), resolved within SLA and its share, p50/p90 seconds to first ' +
      'action and to resolution, open and breached now',
  })
  stats(@Query() query: WorkOrderStatsQueryDto) {
    return this.orders.stats(query);
  }

  @Post('next')
  @HttpCode(200)
  @Roles('agent')
  @Answers(WORK_ORDER_DETAIL, {
    nullable: true,
    description: 'The most urgent free order of your queues, now yours (in progress); null when none',
  })
  next(@CurrentPrincipal() principal: Principal) {
    return this.orders.next(principal);
  }

  @Get(':id')
  @Roles('agent', 'ops', 'campaign_manager')
  @ApiForbiddenResponse({ description: 'WORK_ORDER_NOT_YOURS: an agent, and neither its order nor a free one of its queues' })
  @Answers(WORK_ORDER_DETAIL)
  get(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.orders.get(id, principal);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @Roles('agent', 'ops', 'campaign_manager')
  @ApiConflictResponse({ description: 'WORK_ORDER_BAD_TRANSITION: it is not open (someone holds it, or it is closed)' })
  @Answers(WORK_ORDER_DETAIL)
  claim(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.orders.claim(id, principal);
  }

  @Post(':id/actions')
  @HttpCode(200)
  @Roles('agent', 'ops', 'campaign_manager')
  @ApiConflictResponse({ description: 'WORK_ORDER_BAD_TRANSITION: not allowed in its status' })
  @Answers(WORK_ORDER_DETAIL)
  act(@Param('id', UuidPipe) id: string, @Body() body: WorkOrderActionDto, @CurrentPrincipal() principal: Principal) {
    return this.orders.apply(id, body, principal);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('agent', 'ops', 'campaign_manager')
  @ApiConflictResponse({ description: 'WORK_ORDER_BAD_TRANSITION: only an order in progress or waiting on the customer' })
  @Answers(WORK_ORDER_DETAIL)
  resolve(@Param('id', UuidPipe) id: string, @Body() body: ResolveWorkOrderDto, @CurrentPrincipal() principal: Principal) {
    return this.orders.resolve(id, body, principal);
  }
}

@ApiTags('work-orders')
@Controller('customers')
export class CustomerComplaintsController {
  constructor(private readonly orders: WorkOrdersService) {}

  /** An agent records a complaint during a call it holds a task (or work order) for; ops on any customer. */
  @Post(':id/complaints')
  @Roles('agent', 'ops')
  @AgentScope({ customer: 'id' })
  @Answers(WORK_ORDER, { status: 201 })
  record(@Param('id', UuidPipe) id: string, @Body() body: RecordComplaintDto, @CurrentPrincipal() principal: Principal) {
    return this.orders.recordComplaint(id, body, principal);
  }
}
