import { AlertsModule } from '../../alerts/alerts.module';
import { Module } from '@nestjs/common';
import { DispatchModule } from '../../dispatch/dispatch.module';
import { AgentQueueService } from './agent-queue.service';
import { AgentTasksController } from './agent-tasks.controller';
import { AgentTasksRepository } from './agent-tasks.repository';
import { FraudCasesController } from './fraud-cases.controller';
import { FraudCasesQuery } from './fraud-cases.query';
import { FraudCasesService } from './fraud-cases.service';
import { FraudEscalationSweep } from './fraud-escalation.sweep';
import { TransactionsController } from './transactions.controller';

/** Fraud verification: transactions in, cases opened, answered or escalated. */
@Module({
  imports: [DispatchModule, AlertsModule],
  controllers: [TransactionsController, FraudCasesController, AgentTasksController],
  providers: [FraudCasesService, FraudCasesQuery, FraudEscalationSweep, AgentTasksRepository, AgentQueueService],
  exports: [FraudCasesService, FraudCasesQuery, AgentTasksRepository, AgentQueueService],
})
export class FraudModule {}
