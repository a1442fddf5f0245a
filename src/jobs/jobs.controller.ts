import { Body, Controller, Post, Req } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Roles } from '../auth/roles.decorator';
import { RunJobDto } from './dto/run-job.dto';
import { JobsService } from './jobs.service';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { Answers, defineSchema, s } from '../common/api-responses';

const JOB_RUN = defineSchema(
  'JobRun',
  s.object({
    job: s.string(),
    date: s.nullable(s.date()),
    at: s.instant(),
    reminders: s.int(),
    collectionMessages: s.int(),
    agentTasks: s.int(),
    activations: s.int(),
    brokenPromises: s.int(),
    activationsCancelled: s.int(),
  }),
);

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post('repayment/runs')
  @Roles('ops')
  @Idempotent()
  @Answers(JOB_RUN, {
    status: 201,
    description:
      'the repayment job (reminders before the due date, collections by days past due, card activation, lapsed promises) ' +
      'run now; counts of what it queued. Idempotent: a rerun for the same date queues nothing twice. Audited.',
  })
  @ApiBadRequestResponse({ description: '`date` is not a date within 7 days of today' })
  @ApiConflictResponse({ description: 'JOB_RUNNING: another instance is running the job' })
  runRepayment(@Body() body: RunJobDto, @Req() request: Request) {
    if (request.audit) request.audit.target = `repayment:${body.date ?? 'local-today'}`;
    return this.jobs.runRepayment(body.date);
  }
}
