import { Module } from '@nestjs/common';
import { ComplianceModule } from '../../compliance/compliance.module';
import { FraudModule } from '../fraud/fraud.module';
import { RepaymentModule } from '../repayment/repayment.module';
import { CustomerOutcomesController } from './customer-outcomes.controller';
import { ConversationsRepository } from './conversations.repository';
import { CustomerOutcomesService } from './customer-outcomes.service';
import { CustomerOutcomesRepository } from './customer-outcomes.repository';

/** Outcomes on the profile: the last per purpose, agents' dispositions, the hours a customer answers. */
@Module({
  imports: [RepaymentModule, FraudModule, ComplianceModule],
  controllers: [CustomerOutcomesController],
  providers: [CustomerOutcomesRepository, CustomerOutcomesService, ConversationsRepository],
  exports: [CustomerOutcomesService],
})
export class OutcomesModule {}
