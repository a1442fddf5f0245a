import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, sqlOne } from '../../database/sql';
import { subjectRefPatternSql } from '../../common/subject-ref';

/** The paying customer, locked, with the cycle and promise a payment is weighed against (dates as text, money as numeric text). */
export interface PayerRow {
  id: string;
  timezone: string;
  currency: string;
  due_date: string | null;
  paid_this_cycle: string;
  minimum_due: string;
  promise_to_pay_status: string | null;
  promise_to_pay_on: string | null;
  promise_to_pay_amount: string | null;
  promise_to_pay_made_at: Date | null;
}

export interface NewPayment {
  customerId: string;
  reference: string;
  amount: number;
  currency: string;
  paidAt: string;
  cycleDueDate: string | null;
  receivedAt: Date;
}

export interface PaymentRow {
  id: string;
  customer_id: string;
  amount: string;
  currency: string;
}

export interface BrokenPromiseRow {
  id: string;
  promisedOn: string;
  amount: string;
}

/** customers' cycle and promise columns and payments, as repayment writes and reads them. */
@Injectable()
export class RepaymentRepository {
  lockPayer(m: EntityManager, by: { id: string } | { externalRef: string }): Promise<PayerRow | undefined> {
    return sqlOne<PayerRow>(
      m,
      `SELECT id, timezone, currency, to_char(due_date, 'YYYY-MM-DD') AS due_date, paid_this_cycle, minimum_due,
              promise_to_pay_status, to_char(promise_to_pay_on, 'YYYY-MM-DD') AS promise_to_pay_on, promise_to_pay_amount,
              promise_to_pay_made_at
         FROM customers WHERE ${'id' in by ? 'id = $1::uuid' : 'external_ref = $1'} FOR UPDATE`,
      ['id' in by ? by.id : by.externalRef],
    );
  }

  /** The payment's id, or undefined when its reference was already booked. */
  async insertPayment(m: EntityManager, p: NewPayment): Promise<string | undefined> {
    const inserted = await sqlOne<{ id: string }>(
      m,
      `INSERT INTO payments (customer_id, reference, amount, currency, paid_at, cycle_due_date, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (reference) DO NOTHING RETURNING id`,
      [p.customerId, p.reference, p.amount, p.currency, p.paidAt, p.cycleDueDate, p.receivedAt],
    );
    return inserted?.id;
  }

  async applyPayment(
    m: EntityManager,
    customerId: string,
    p: { paidThisCycle: number; minimumCovered: boolean; promiseStatus: string | null; at: Date },
  ): Promise<void> {
    await sql(
      m,
      `UPDATE customers
          SET paid_this_cycle = $2,
              days_past_due = CASE WHEN $3 THEN 0 ELSE days_past_due END,
              promise_to_pay_status = $4,
              last_outcomes = last_outcomes || jsonb_build_object('collections',
                jsonb_build_object('channel', NULL, 'outcome', CASE WHEN $3 THEN 'paid' ELSE 'part_paid' END, 'at', $5::timestamptz)),
              updated_at = now()
        WHERE id = $1`,
      [customerId, p.paidThisCycle, p.minimumCovered, p.promiseStatus, p.at],
    );
  }

  /** What the customer paid since `since` (a bigint, as text). */
  async paidSince(m: EntityManager, customerId: string, since: Date | null): Promise<string> {
    const row = await sqlOne<{ paid: string }>(
      m,
      `SELECT coalesce(sum(amount), 0)::bigint AS paid FROM payments WHERE customer_id = $1 AND received_at >= $2`,
      [customerId, since],
    );
    return row!.paid;
  }

  async paymentByReference(m: EntityManager, reference: string): Promise<PaymentRow | undefined> {
    return sqlOne<PaymentRow>(m, `SELECT id, customer_id, amount, currency FROM payments WHERE reference = $1`, [reference]);
  }

  /** A booked payment, locked, and whether its return was recorded already. */
  lockPaymentByReference(
    m: EntityManager,
    reference: string,
  ): Promise<{ id: string; customer_id: string; returned_at: Date | null } | undefined> {
    return sqlOne(m, `SELECT id, customer_id, returned_at FROM payments WHERE reference = $1 FOR UPDATE`, [reference]);
  }

  /** The payment came back: on record with when and why, no longer paid in the cycle it was booked against (if still current). */
  async returnPayment(m: EntityManager, paymentId: string, returnedAt: string, reason: string | null, now: Date): Promise<void> {
    await sql(m, `UPDATE payments SET returned_at = $2, return_reason = $3 WHERE id = $1`, [paymentId, returnedAt, reason]);
    await sql(
      m,
      `UPDATE customers c SET paid_this_cycle = greatest(c.paid_this_cycle - p.amount, 0), updated_at = $2
         FROM payments p WHERE p.id = $1 AND c.id = p.customer_id AND p.cycle_due_date IS NOT DISTINCT FROM c.due_date`,
      [paymentId, now],
    );
  }

  async returnedPayment(m: EntityManager, paymentId: string): Promise<{ returnedAt: Date; paidThisCycle: string }> {
    const row = await sqlOne<{ returnedAt: Date; paidThisCycle: string }>(
      m,
      `SELECT p.returned_at AS "returnedAt", c.paid_this_cycle AS "paidThisCycle"
         FROM payments p JOIN customers c ON c.id = p.customer_id WHERE p.id = $1`,
      [paymentId],
    );
    return row!;
  }

  /** The promising customer, locked: a promise replaces the one before it. */
  lockPromiser(m: EntityManager, customerId: string): Promise<{ id: string; timezone: string } | undefined> {
    return sqlOne<{ id: string; timezone: string }>(m, `SELECT id, timezone FROM customers WHERE id = $1 FOR UPDATE`, [
      customerId,
    ]);
  }

  async takePromise(
    m: EntityManager,
    p: { customerId: string; promisedOn: string; amount: number; at: Date; source: 'agent' | 'ivr' },
  ): Promise<void> {
    await sql(
      m,
      `UPDATE customers
          SET promise_to_pay_on = $2, promise_to_pay_amount = $3, promise_to_pay_status = 'open', promise_to_pay_made_at = $4,
              last_outcomes = last_outcomes || jsonb_build_object('collections',
                jsonb_build_object('channel', 'call', 'outcome', 'promise_to_pay', 'source', $5::text, 'at', $4::timestamptz)),
              updated_at = now()
        WHERE id = $1`,
      [p.customerId, p.promisedOn, p.amount, p.at, p.source],
    );
  }

  /** Promises whose date and grace passed without the amount paid since: broken, on the profile. */
  breakLapsedPromises(m: EntityManager, now: Date, graceDays: number): Promise<BrokenPromiseRow[]> {
    return sql<BrokenPromiseRow>(
      m,
      `WITH broken AS (
         UPDATE customers c
            SET promise_to_pay_status = 'broken',
                last_outcomes = c.last_outcomes || jsonb_build_object('collections',
                  jsonb_build_object('channel', NULL, 'outcome', 'promise_broken', 'at', $1::timestamptz)),
                updated_at = now()
          WHERE c.promise_to_pay_status = 'open'
            AND $1::timestamptz >= ((c.promise_to_pay_on + $2::int + 1)::timestamp AT TIME ZONE c.timezone)
            AND (SELECT coalesce(sum(p.amount), 0) FROM payments p
                  WHERE p.customer_id = c.id AND p.received_at >= c.promise_to_pay_made_at) < c.promise_to_pay_amount
         RETURNING c.id, to_char(c.promise_to_pay_on, 'YYYY-MM-DD') AS "promisedOn", c.promise_to_pay_amount AS amount)
       SELECT * FROM broken`,
      [now, graceDays],
    );
  }

  /** The subjects of pending activation nudges whose card is active now. */
  async activatedSubjects(m: EntityManager): Promise<string[]> {
    const rows = await sql<{ subject: string }>(
      m,
      `SELECT DISTINCT t.subject_ref AS subject FROM contact_tasks t JOIN customers c ON c.id = t.customer_id
        WHERE t.subject_ref ~ ${subjectRefPatternSql('activate')} AND t.status = 'pending' AND c.card_status <> 'not_activated'`,
    );
    return rows.map((row) => row.subject);
  }
}
