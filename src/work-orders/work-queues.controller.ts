import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/role';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidPipe } from '../common/uuid.pipe';
import { PutNotificationSettingDto, PutWorkQueueDto } from './dto/put-work-queue.dto';
import { WorkQueuesService } from './work-queues.service';
import { Answers } from '../common/api-responses';
import { NOTIFICATION_SETTING, STAFF_NOTIFICATION, WORK_QUEUE } from './work-order.schemas';

@ApiTags('work-orders')
@Controller()
export class WorkQueuesController {
  constructor(private readonly queues: WorkQueuesService) {}

  @Get('work-queues')
  @Answers(WORK_QUEUE, { array: true })
  @Roles('ops', 'campaign_manager')
  list() {
    return this.queues.list();
  }

  /** Sets the queue's supervisor and staff (creating the queue). */
  @Put('work-queues/:name')
  @Answers(WORK_QUEUE)
  @Roles('ops', 'campaign_manager')
  put(@Param('name') name: string, @Body() body: PutWorkQueueDto) {
    return this.queues.put(name, body);
  }

  /** How a member of staff is told of work orders: e-mail, SMS or the console. */
  @Put('staff-notification-settings/:userId')
  @Answers(NOTIFICATION_SETTING)
  @Roles('ops')
  putSetting(@Param('userId', UuidPipe) userId: string, @Body() body: PutNotificationSettingDto) {
    return this.queues.putSetting(userId, body);
  }

  /** My notifications about work orders, newest first: what the console shows. */
  @Get('staff-notifications')
  @Answers(STAFF_NOTIFICATION, { array: true })
  @Roles('agent', 'ops', 'campaign_manager')
  mine(@Query() page: PageQuery, @CurrentPrincipal() principal: Principal) {
    return this.queues.notificationsOf(principal.userId, page.limit);
  }
}
