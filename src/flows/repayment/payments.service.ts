import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertEvaluator } from '../../alerts/alert-evaluator.service';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { OutboxRepository } from '../../dispatch/outbox.repository';
import { AppConfig } from '../../config/app-config';
import { EventOutbox } from '../../events/event-outbox.repository';
import { sqlOf } from '../../database/sql';
import { WorkOrdersRepository } from '../../work-orders/work-orders.repository';
import { RecordPaymentDto } from './dto/record-payment.dto';
import { ReturnPaymentDto } from './dto/return-payment.dto';
import { promiseStatus } from './promise.rules';
import { PayerRow, RepaymentRepository } from './repayment.repository';
import { subjectRef } from '../../common/subject-ref';

export interface PaymentRecorded {
  paymentId: string;
  customerId: string;
  /** True when this reference was already booked: nothing changed. */
  duplicate: boolean;
  paidThisCycle: number;
  minimumDue: number;
  /** The minimum of the cycle is covered: days past due back to 0, the cycle's contacts cancelled. */
  minimumCovered: boolean;
  cancelledTasks: number;
  cancelledAgentTasks: number;
  promiseStatus: string | null;
}

export interface PaymentReturned {
  paymentId: string;
  customerId: string;
  /** True when this payment's return was recorded before: nothing changed. */
  duplicate: boolean;
  returnedAt: Date;
  paidThisCycle: number;
}

/**
 * Payment events from the core system. A payment that covers the cycle's minimum stops that
 * cycle at once: in the same transaction its pending reminders and collection contacts are
 * cancelled (reason PAID), so no dispatcher can claim them after the payment commits.
 */
@Injectable()
export class PaymentsService {
  private readonly graceDays: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repayment: RepaymentRepository,
    private readonly outbox: OutboxRepository,
    private readonly events: EventOutbox,
    private readonly clock: Clock,
    private readonly workOrders: WorkOrdersRepository,
    config: AppConfig,
    private readonly alerts: AlertEvaluator,
  ) {
    this.graceDays = config.repayment.promiseGraceDays;
  }

  async record(input: RecordPaymentDto): Promise<PaymentRecorded> {
    if (!input.customerId === !input.externalRef) {
      throw new DomainError(
        'PAYMENT_CUSTOMER_REQUIRED',
        'give exactly one of customerId and externalRef',
        HttpStatus.BAD_REQUEST,
        [{ field: 'customerId', reason: 'exactly one of customerId and externalRef' }],
      );
    }
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const customer = await this.repayment.lockPayer(
        m,
        input.customerId ? { id: input.customerId } : { externalRef: input.externalRef! },
      );
      if (!customer) {
        throw new DomainError(
          'PAYMENT_CUSTOMER_UNKNOWN',
          'no customer has that id or reference',
          HttpStatus.UNPROCESSABLE_ENTITY,
          [{ field: input.customerId ? 'customerId' : 'externalRef', reason: 'no such customer' }],
        );
      }
      if (customer.currency !== input.currency) {
        throw new DomainError(
          'PAYMENT_CURRENCY_MISMATCH',
          `the customer's account is in ${customer.currency}`,
          HttpStatus.UNPROCESSABLE_ENTITY,
          [{ field: 'currency', reason: `must be ${customer.currency}` }],
        );
      }
      const paymentId = await this.repayment.insertPayment(m, {
        customerId: customer.id,
        reference: input.reference,
        amount: input.amount,
        currency: input.currency,
        paidAt: input.paidAt,
        cycleDueDate: customer.due_date,
        receivedAt: now,
      });
      if (!paymentId) return this.duplicate(m, customer, input);

      const paidThisCycle = Number(customer.paid_this_cycle) + input.amount;
      const minimumDue = Number(customer.minimum_due);
      const minimumCovered = paidThisCycle >= minimumDue;
      const promise = await this.promiseAfterPayment(m, customer, now);
      await this.repayment.applyPayment(m, customer.id, { paidThisCycle, minimumCovered, promiseStatus: promise, at: now });
      // The alert rules reading what a payment changes, in the same transaction: an alert and its cause commit together.
      await this.alerts.onChange([customer.id], ['paidThisCycle', 'daysPastDue'], sqlOf(m));
      let cancelledTasks = 0;
      let cancelledAgentTasks = 0;
      if (minimumCovered && customer.due_date) {
        const subjects = [subjectRef.repay(customer.id, customer.due_date), subjectRef.collect(customer.id, customer.due_date)];
        cancelledTasks = await this.outbox.withdraw(m, { subjects }, { status: 'cancelled', reason: { code: 'PAID' } });
        cancelledAgentTasks = await this.workOrders.cancelTasks(m, subjects, { code: 'PAID' }, now);
      }
      await this.events.record(m, [
        {
          type: 'payment.recorded',
          customerId: customer.id,
          occurredAt: now,
          data: {
            paymentId,
            customerId: customer.id,
            reference: input.reference,
            amount: input.amount,
            currency: input.currency,
            paidAt: new Date(input.paidAt).toISOString(),
            paidThisCycle,
            minimumCovered,
          },
        },
      ]);
      return {
        paymentId,
        customerId: customer.id,
        duplicate: false,
        paidThisCycle,
        minimumDue,
        minimumCovered,
        cancelledTasks,
        cancelledAgentTasks,
        promiseStatus: promise,
      };
    });
  }

  /**
   * A booked payment came back unpaid: it stays on record with when and why, and no longer counts
   * as paid in the cycle it was booked against (if that is still the customer's cycle). Rules
   * counting bounced payments, and those reading what was paid, are evaluated in the same
   * transaction. Cancelled reminders and a days-past-due reset are not undone here: the core
   * system's next file states them.
   */
  async recordReturn(input: ReturnPaymentDto): Promise<PaymentReturned> {
    return this.db.transaction(async (m) => {
      const payment = await this.repayment.lockPaymentByReference(m, input.reference);
      if (!payment) {
        throw new DomainError('PAYMENT_UNKNOWN', 'no payment was booked under that reference', HttpStatus.UNPROCESSABLE_ENTITY, [
          { field: 'reference', reason: 'no such payment' },
        ]);
      }
      const duplicate = payment.returned_at !== null;
      if (!duplicate) {
        await this.repayment.returnPayment(m, payment.id, input.returnedAt, input.reason ?? null, this.clock.now());
        await this.alerts.onChange([payment.customer_id], ['bouncedPayments', 'paidThisCycle'], sqlOf(m));
      }
      const after = await this.repayment.returnedPayment(m, payment.id);
      return {
        paymentId: payment.id,
        customerId: payment.customer_id,
        duplicate,
        returnedAt: after.returnedAt,
        paidThisCycle: Number(after.paidThisCycle),
      };
    });
  }

  /** An open promise is kept once what was paid since it was made reaches the amount. */
  private async promiseAfterPayment(m: EntityManager, customer: PayerRow, now: Date): Promise<string | null> {
    if (customer.promise_to_pay_status !== 'open') return customer.promise_to_pay_status;
    const paid = await this.repayment.paidSince(m, customer.id, customer.promise_to_pay_made_at);
    return promiseStatus(
      { promisedOn: customer.promise_to_pay_on!, amount: Number(customer.promise_to_pay_amount) },
      Number(paid),
      now,
      this.graceDays,
      customer.timezone,
    );
  }

  /** The same reference again: the first booking stands; a different payment under it is a conflict. */
  private async duplicate(m: EntityManager, customer: PayerRow, input: RecordPaymentDto): Promise<PaymentRecorded> {
    const first = (await this.repayment.paymentByReference(m, input.reference))!;
    if (first.customer_id !== customer.id || Number(first.amount) !== input.amount || first.currency !== input.currency) {
      throw new DomainError(
        'PAYMENT_REFERENCE_CONFLICT',
        'this reference was booked for a different payment',
        HttpStatus.CONFLICT,
        [{ field: 'reference', reason: 'already used for another customer, amount or currency' }],
      );
    }
    return {
      paymentId: first.id,
      customerId: customer.id,
      duplicate: true,
      paidThisCycle: Number(customer.paid_this_cycle),
      minimumDue: Number(customer.minimum_due),
      minimumCovered: Number(customer.paid_this_cycle) >= Number(customer.minimum_due),
      cancelledTasks: 0,
      cancelledAgentTasks: 0,
      promiseStatus: customer.promise_to_pay_status,
    };
  }
}
