import { AlertsModule } from '../../alerts/alerts.module';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { DispatchModule } from '../../dispatch/dispatch.module';
import { WorkOrdersModule } from '../../work-orders/work-orders.module';
import { AgentQueueService } from './agent-queue.service';
import { AgentTasksController } from './agent-tasks.controller';
import { FraudCasesController } from './fraud-cases.controller';
import { FraudCasesQuery } from './fraud-cases.query';
import { FraudCasesRepository } from './fraud-cases.repository';
import { FraudCasesService } from './fraud-cases.service';
import { FraudEscalationSweep } from './fraud-escalation.sweep';
import { TransactionsController } from './transactions.controller';
import { UrgentRequest } from './urgent-request.middleware';

/** Fraud verification: transactions in, cases opened, answered or escalated. */
@Module({
  imports: [DispatchModule, AlertsModule, WorkOrdersModule],
  controllers: [TransactionsController, FraudCasesController, AgentTasksController],
  providers: [FraudCasesRepository, FraudCasesService, FraudCasesQuery, FraudEscalationSweep, AgentQueueService],
  // The desk's calls are work orders: whoever works them with fraud's flows gets their repository too.
  exports: [FraudCasesService, FraudCasesQuery, AgentQueueService, WorkOrdersModule],
})
export class FraudModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(UrgentRequest).forRoutes(TransactionsController);
  }
}
