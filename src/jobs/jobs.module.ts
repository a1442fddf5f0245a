import { Module } from '@nestjs/common';
import { RepaymentModule } from '../flows/repayment/repayment.module';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

/** Scheduled jobs on demand: the API for ops (the CLI, job.cli.ts, builds the same service). */
@Module({
  imports: [RepaymentModule],
  controllers: [JobsController],
  providers: [JobsService],
  exports: [JobsService],
})
export class JobsModule {}
