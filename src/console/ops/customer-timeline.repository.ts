import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../../database/sql';

export interface TimelineCustomer {
  id: string;
  externalRef: string;
  fullName: string;
  phone: string | null;
  timezone: string;
  country: string;
  locale: string;
  currency: string;
}

/** A source's newest rows, up to the depth asked for, and how many it has in all. */
export interface Newest<R> {
  rows: R[];
  total: number;
}

export interface OwnAttemptRow {
  at: Date;
  channel: string;
  purpose: string;
  status: string;
  detail: string | null;
}

export interface ReplyRow {
  at: Date;
  channel: string;
  intent: string;
  body: string;
}

export interface DispositionRow {
  at: Date;
  code: string;
  purpose: string;
  channel: string | null;
  call_back_at: Date | null;
  note: string | null;
  username: string | null;
}

export interface FraudCaseRow {
  at: Date;
  status: string;
  reference: string;
  amount: string;
  currency: string;
  merchant: string;
}

export interface PaymentRow {
  at: Date;
  reference: string;
  amount: string;
  currency: string;
}

/**
 * The customer timeline's sources besides contacts and consent. Each is read newest first up to
 * the end of the page asked for, so merging them pages exactly.
 */
@Injectable()
export class CustomerTimelineRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async customer(customerId: string): Promise<TimelineCustomer | undefined> {
    return sqlOne<TimelineCustomer>(
      this.db,
      `SELECT id, external_ref AS "externalRef", full_name AS "fullName", phone, timezone, country, locale, currency
         FROM customers WHERE id = $1`,
      [customerId],
    );
  }

  /** Outside the outbox: an agent's click-to-call, or a message Herald sent by itself (a keyword's confirmation). */
  async attemptsOutsideOutbox(customerId: string, depth: number): Promise<Newest<OwnAttemptRow>> {
    return this.newest<OwnAttemptRow>(
      `SELECT attempted_at AS at, channel, status, purpose, detail FROM contact_attempts
          WHERE customer_id = $1 AND task_id IS NULL`,
      customerId,
      depth,
    );
  }

  async replies(customerId: string, depth: number): Promise<Newest<ReplyRow>> {
    return this.newest<ReplyRow>(
      `SELECT received_at AS at, channel, intent, body FROM inbound_messages WHERE customer_id = $1`,
      customerId,
      depth,
    );
  }

  async dispositions(customerId: string, depth: number): Promise<Newest<DispositionRow>> {
    return this.newest<DispositionRow>(
      `SELECT d.at, d.code, d.purpose, d.channel, d.call_back_at, d.note, u.username
           FROM customer_dispositions d LEFT JOIN users u ON u.id = d.agent_id WHERE d.customer_id = $1`,
      customerId,
      depth,
    );
  }

  async fraudCases(customerId: string, depth: number): Promise<Newest<FraudCaseRow>> {
    return this.newest<FraudCaseRow>(
      `SELECT f.opened_at AS at, f.status, f.reference, t.amount, t.currency, t.merchant
           FROM fraud_cases f JOIN card_transactions t ON t.id = f.transaction_id WHERE f.customer_id = $1`,
      customerId,
      depth,
    );
  }

  async payments(customerId: string, depth: number): Promise<Newest<PaymentRow>> {
    return this.newest<PaymentRow>(
      `SELECT paid_at AS at, reference, amount, currency FROM payments WHERE customer_id = $1`,
      customerId,
      depth,
    );
  }

  /** One source's newest `depth` rows, and how many it has in all, in one query. */
  private async newest<R extends object>(select: string, customerId: string, depth: number): Promise<Newest<R>> {
    const rows = await sql<R & { total: number }>(
      this.db,
      `SELECT *, count(*) OVER ()::int AS total FROM (${select}) s ORDER BY at DESC LIMIT $2`,
      [customerId, depth],
    );
    return { rows, total: rows[0]?.total ?? 0 };
  }
}
