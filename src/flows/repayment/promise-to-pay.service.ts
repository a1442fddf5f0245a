import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError, NotFoundError } from '../../common/domain-error';
import { OutboxRepository } from '../../dispatch/outbox.repository';
import { AppConfig } from '../../config/app-config';
import { EventOutbox } from '../../events/event-outbox.repository';
import { WorkOrdersRepository } from '../../work-orders/work-orders.repository';
import { promiseHoldEnd } from './promise.rules';
import { RepaymentRepository } from './repayment.repository';

export interface PromiseToPay {
  customerId: string;
  promisedOn: string;
  amount: number;
  /** Where it came from: an agent's disposition or the IVR. */
  source: 'agent' | 'ivr';
}

export interface PromiseTaken {
  customerId: string;
  promisedOn: string;
  amount: number;
  status: 'open';
  holdUntil: string;
  deferredTasks: number;
}

/**
 * A promise to pay holds collection contacts until its date plus the grace days: pending
 * collection tasks move to the end of the hold, and the job queues none while it stands.
 */
@Injectable()
export class PromiseToPayService {
  private readonly graceDays: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repayment: RepaymentRepository,
    private readonly outbox: OutboxRepository,
    private readonly events: EventOutbox,
    private readonly clock: Clock,
    private readonly workOrders: WorkOrdersRepository,
    config: AppConfig,
  ) {
    this.graceDays = config.repayment.promiseGraceDays;
  }

  /** Takes a promise; in the caller's transaction when given one (a disposition, an IVR answer). */
  async promise(input: PromiseToPay, manager?: EntityManager): Promise<PromiseTaken> {
    if (!manager) return this.db.transaction((m) => this.promise(input, m));
    const now = this.clock.now();
    const customer = await this.repayment.lockPromiser(manager, input.customerId);
    if (!customer) throw new NotFoundError('customer', input.customerId);
    const today = DateTime.fromJSDate(now, { zone: customer.timezone }).toISODate()!;
    const promised = DateTime.fromISO(input.promisedOn, { zone: customer.timezone });
    if (!promised.isValid || input.promisedOn < today) {
      throw new DomainError(
        'PROMISE_DATE_INVALID',
        'a promise to pay needs a real date, today or later',
        HttpStatus.UNPROCESSABLE_ENTITY,
        [{ field: 'date', reason: `must be a date on or after ${today} (the customer's today)` }],
      );
    }
    const holdUntil = promiseHoldEnd(input.promisedOn, this.graceDays, customer.timezone);
    await this.repayment.takePromise(manager, {
      customerId: input.customerId,
      promisedOn: input.promisedOn,
      amount: input.amount,
      at: now,
      source: input.source,
    });
    const deferred = await this.outbox.holdUntil(manager, input.customerId, 'collections', holdUntil, {
      code: 'PROMISE_TO_PAY',
      until: holdUntil.toISOString(),
    });
    await this.workOrders.deferCollectionTasks(manager, input.customerId, holdUntil, now);
    await this.events.record(manager, [
      {
        type: 'promise_to_pay.made',
        customerId: input.customerId,
        occurredAt: now,
        data: {
          customerId: input.customerId,
          promisedOn: input.promisedOn,
          amount: input.amount,
          source: input.source,
          holdUntil: holdUntil.toISOString(),
        },
      },
    ]);
    return {
      customerId: input.customerId,
      promisedOn: input.promisedOn,
      amount: input.amount,
      status: 'open',
      holdUntil: holdUntil.toISOString(),
      deferredTasks: deferred,
    };
  }
}
