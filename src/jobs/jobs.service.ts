import { HttpStatus, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError, ValidationFailedError } from '../common/domain-error';
import { FlowJobReport, RepaymentJob } from '../flows/repayment/repayment.job';
import { jobDateProblem } from './job-date.rules';

export const JOBS = ['repayment'] as const;
export type JobName = (typeof JOBS)[number];

export interface JobRun extends Omit<FlowJobReport, 'ran'> {
  job: JobName;
  /** The date it ran for; null: each customer's own local today. */
  date: string | null;
  at: string;
}

/**
 * Scheduled jobs run on demand — by ops through the API, or from the command line — with the
 * same code and guarantees as the hourly run: idempotent (what a run queued, a rerun finds queued
 * and leaves), and one at a time across instances.
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly repayment: RepaymentJob,
    private readonly clock: Clock,
  ) {}

  /** Repayment reminders, collections and card activation for `date` (or every customer's local today). */
  async runRepayment(date?: string): Promise<JobRun> {
    const now = this.clock.now();
    const problem = date === undefined ? undefined : jobDateProblem(date, now);
    if (problem) throw new ValidationFailedError([{ field: 'date', reason: problem }]);
    const { ran, ...report } = await this.repayment.run({ localDate: date });
    if (!ran) {
      throw new DomainError(
        'JOB_RUNNING',
        'the repayment job is running elsewhere right now; try again shortly',
        HttpStatus.CONFLICT,
      );
    }
    return { job: 'repayment', date: date ?? null, at: now.toISOString(), ...report };
  }
}
