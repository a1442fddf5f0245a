import { Module } from '@nestjs/common';
import { AlertsModule } from '../../alerts/alerts.module';
import { DispatchModule } from '../../dispatch/dispatch.module';
import { WorkOrdersModule } from '../../work-orders/work-orders.module';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { PromiseToPayController } from './promise-to-pay.controller';
import { PromiseToPayService } from './promise-to-pay.service';
import { RepaymentJob } from './repayment.job';
import { RepaymentRepository } from './repayment.repository';

/** Repayment reminders, collections, payments and promises to pay; the job also runs activation. */
@Module({
  imports: [DispatchModule, AlertsModule, WorkOrdersModule],
  controllers: [PaymentsController, PromiseToPayController],
  providers: [RepaymentRepository, PaymentsService, PromiseToPayService, RepaymentJob],
  exports: [PromiseToPayService, RepaymentJob],
})
export class RepaymentModule {}
