import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { StaffNotificationsRepository } from './staff-notifications.repository';
import { StaffNotifier } from './staff-notifier.job';
import { CustomerComplaintsController, WorkOrdersController } from './work-orders.controller';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';
import { WorkQueuesController } from './work-queues.controller';
import { WorkQueuesRepository } from './work-queues.repository';
import { WorkQueuesService } from './work-queues.service';

/** Work orders with SLAs, their queues and staff, the notifications staff get; owner of their tables. */
@Module({
  imports: [ChannelsModule],
  controllers: [WorkOrdersController, CustomerComplaintsController, WorkQueuesController],
  providers: [
    WorkOrdersRepository,
    WorkOrdersService,
    WorkQueuesRepository,
    WorkQueuesService,
    StaffNotificationsRepository,
    StaffNotifier,
  ],
  exports: [WorkOrdersRepository, WorkOrdersService, WorkQueuesService, StaffNotifier],
})
export class WorkOrdersModule {}
