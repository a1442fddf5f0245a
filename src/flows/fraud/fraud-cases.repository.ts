import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sql, sqlOne } from '../../database/sql';
import { RiskLevel } from '../../customers/customer.entity';
import { ANSWERABLE, FraudCaseStatus } from './fraud-case.model';
import { FraudReason } from './fraud.rules';

/** `ANSWERABLE` as SQL, on a `status` column (qualify it by prefixing the table's alias). */
const ANSWERABLE_SQL = `status IN (${ANSWERABLE.map((status) => `'${status}'`).join(', ')})`;

export interface SuspectCustomerRow {
  id: string;
  externalRef: string;
  riskLevel: RiskLevel;
  country: string;
  timezone: string;
}

export interface KeptTransactionRow {
  /** Null when the reference was already kept. */
  id: string | null;
  recent: { amount: number; country: string; city: string | null; cardNotPresent: boolean; at: string }[];
  /** The references of the customer's answerable cases. */
  taken: string[];
}

export interface NewTransaction {
  customerId: string;
  reference: string;
  amount: number;
  currency: string;
  merchant: string;
  country: string;
  city: string | null;
  cardNotPresent: boolean;
  at: string;
  receivedAt: Date;
  velocityMinutes: number;
}

export interface SettledCaseRow {
  customerId: string;
  transactionId: string;
  reference: string;
}

export interface CardNoticeRefsRow {
  customerRef: string;
  transactionRef: string;
}

export interface OpenCaseRow {
  id: string;
  reference: string;
  amount: number;
  currency: string;
  merchant: string;
  at: Date;
}

export interface TransactionRow {
  amount: number;
  currency: string;
  merchant: string;
  at: Date;
}

/** A transaction kept earlier, and its case if it opened one. */
export type PreviousDecisionRow = { id: string; customerId: string } & (
  { caseId: string; reasons: FraudReason[] } | { caseId: null; reasons: null }
);

/** An open case moved to the IVR by the escalation sweep. */
export interface EscalatedToIvrRow {
  id: string;
  customerId: string;
  transactionId: string;
  reference: string;
}

/** fraud_cases and card_transactions, as the fraud flow writes and reads them. */
@Injectable()
export class FraudCasesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The cardholder's row lock serialises their transactions: velocity sees every earlier one. */
  lockCustomer(manager: EntityManager, by: { id: string } | { externalRef: string }): Promise<SuspectCustomerRow | undefined> {
    return sqlOne<SuspectCustomerRow>(
      manager,
      `SELECT id, external_ref AS "externalRef", risk_level AS "riskLevel", country, timezone
         FROM customers WHERE ${'id' in by ? 'id = $1' : 'external_ref = $1'} FOR NO KEY UPDATE`,
      ['id' in by ? by.id : by.externalRef],
    );
  }

  /**
   * Kept, with what the rules and a new case need in the same round trip: the customer's recent
   * transactions (the snapshot predates the insert, so the new one is not among them) and the
   * references of their open cases, read after the lock.
   */
  async keepTransaction(manager: EntityManager, t: NewTransaction): Promise<KeptTransactionRow> {
    const kept = await sqlOne<KeptTransactionRow>(
      manager,
      `WITH inserted AS (
         INSERT INTO card_transactions (customer_id, reference, amount, currency, merchant, country, city, card_not_present, occurred_at, received_at)
         VALUES ($1, $2, $3, $4, $5, upper($6), $7, $8, $9, $10)
         ON CONFLICT (reference) DO NOTHING RETURNING id
       )
       SELECT (SELECT id FROM inserted) AS id,
              (SELECT coalesce(json_agg(r), '[]') FROM (
                 SELECT amount::float8 AS amount, country, city, card_not_present AS "cardNotPresent", occurred_at AS at
                   FROM card_transactions
                  WHERE customer_id = $1 AND occurred_at BETWEEN $9::timestamptz - make_interval(mins => $11) AND $9
               ) r) AS recent,
              ARRAY(SELECT reference FROM fraud_cases WHERE customer_id = $1 AND ${ANSWERABLE_SQL}) AS taken`,
      [
        t.customerId,
        t.reference,
        t.amount,
        t.currency,
        t.merchant,
        t.country,
        t.city,
        t.cardNotPresent,
        t.at,
        t.receivedAt,
        t.velocityMinutes,
      ],
    );
    return kept!;
  }

  /** The case, the card on hold (unless blocked): the new case's id. */
  async open(
    manager: EntityManager,
    c: { customerId: string; transactionId: string; reference: string; reasons: FraudReason[]; timeline: string; at: Date },
  ): Promise<string> {
    const opened = await sqlOne<{ id: string }>(
      manager,
      `WITH opened AS (
         INSERT INTO fraud_cases (customer_id, transaction_id, reference, reasons, timeline, opened_at)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6) RETURNING id
       ), held AS (
         UPDATE customers SET card_status = 'on_hold', updated_at = now() WHERE id = $1 AND card_status IN ('active', 'on_hold')
       )
       SELECT id FROM opened`,
      [c.customerId, c.transactionId, c.reference, JSON.stringify(c.reasons), c.timeline, c.at],
    );
    return opened!.id;
  }

  /** The case settled with `status` if it was still answerable; undefined if it was not (or is not this customer's). */
  settle(
    manager: EntityManager,
    s: { caseId: string; customerId: string; status: FraudCaseStatus; at: Date; timeline: string },
  ): Promise<SettledCaseRow | undefined> {
    return sqlOne<SettledCaseRow>(
      manager,
      `WITH settled AS (
         UPDATE fraud_cases
            SET status = $2, answered_at = $3, timeline = timeline || $4::jsonb
          WHERE id = $1 AND customer_id = $5 AND ${ANSWERABLE_SQL}
          RETURNING customer_id AS "customerId", transaction_id AS "transactionId", reference)
       SELECT * FROM settled`,
      [s.caseId, s.status, s.at, s.timeline, s.customerId],
    );
  }

  status(manager: EntityManager, caseId: string, customerId: string): Promise<{ status: FraudCaseStatus } | undefined> {
    return sqlOne<{ status: FraudCaseStatus }>(manager, `SELECT status FROM fraud_cases WHERE id = $1 AND customer_id = $2`, [
      caseId,
      customerId,
    ]);
  }

  /** A release waits for the customer's other unanswered cases; a block is final. */
  async setCard(
    manager: EntityManager,
    customerId: string,
    v: { card: 'active' | 'blocked'; result: 'genuine' | 'fraud'; at: Date },
  ): Promise<void> {
    await sql(
      manager,
      `UPDATE customers c
          SET card_status = CASE WHEN $2 = 'blocked' THEN 'blocked'
                                 WHEN c.card_status = 'on_hold' AND NOT EXISTS (
                                   SELECT 1 FROM fraud_cases f WHERE f.customer_id = c.id AND f.${ANSWERABLE_SQL}) THEN 'active'
                                 ELSE c.card_status END,
              last_verification_result = $3, last_verification_at = $4, updated_at = now()
        WHERE c.id = $1`,
      [customerId, v.card, v.result, v.at],
    );
  }

  async cardNoticeRefs(manager: EntityManager, customerId: string, transactionId: string): Promise<CardNoticeRefsRow> {
    const ids = await sqlOne<CardNoticeRefsRow>(
      manager,
      `SELECT c.external_ref AS "customerRef", t.reference AS "transactionRef" FROM customers c, card_transactions t WHERE c.id = $1 AND t.id = $2`,
      [customerId, transactionId],
    );
    return ids!;
  }

  async escalateToAgent(manager: EntityManager, caseId: string, timeline: string): Promise<void> {
    await sql(
      manager,
      `UPDATE fraud_cases SET status = 'escalated_agent', timeline = timeline || $2::jsonb WHERE id = $1 AND ${ANSWERABLE_SQL}`,
      [caseId, timeline],
    );
  }

  /** The case, locked, if it is this customer's and still answerable. */
  lockAnswerable(manager: EntityManager, caseId: string, customerId: string): Promise<{ customerId: string } | undefined> {
    return sqlOne<{ customerId: string }>(
      manager,
      `SELECT customer_id AS "customerId" FROM fraud_cases WHERE id = $1 AND customer_id = $2 AND ${ANSWERABLE_SQL} FOR UPDATE`,
      [caseId, customerId],
    );
  }

  /** The customer's cases still waiting for an answer, oldest first. */
  answerable(customerId: string): Promise<OpenCaseRow[]> {
    return sql<OpenCaseRow>(
      this.db,
      `SELECT f.id, f.reference, t.amount::float8 AS amount, t.currency, t.merchant, t.occurred_at AS at
         FROM fraud_cases f JOIN card_transactions t ON t.id = f.transaction_id
        WHERE f.customer_id = $1 AND f.${ANSWERABLE_SQL} ORDER BY f.opened_at`,
      [customerId],
    );
  }

  async transaction(manager: EntityManager, transactionId: string): Promise<TransactionRow> {
    const t = await sqlOne<TransactionRow>(
      manager,
      `SELECT amount::float8 AS amount, currency, merchant, occurred_at AS at FROM card_transactions WHERE id = $1`,
      [transactionId],
    );
    return t!;
  }

  async previousDecision(manager: EntityManager, reference: string): Promise<PreviousDecisionRow> {
    const previous = await sqlOne<PreviousDecisionRow>(
      manager,
      `SELECT t.id, t.customer_id AS "customerId", f.id AS "caseId", f.reasons
         FROM card_transactions t LEFT JOIN fraud_cases f ON f.transaction_id = t.id WHERE t.reference = $1`,
      [reference],
    );
    return previous!;
  }

  /**
   * Open cases the SMS left unanswered for `minutes`, up to `limit`, claimed (SKIP LOCKED: another
   * instance's sweep takes others) and moved to `escalated_ivr` in the caller's transaction.
   */
  escalateUnansweredSms(manager: EntityManager, now: Date, minutes: number, limit: number): Promise<EscalatedToIvrRow[]> {
    return sql<EscalatedToIvrRow>(
      manager,
      `WITH due AS (
           SELECT id FROM fraud_cases
            WHERE status = 'open' AND opened_at <= $1::timestamptz - make_interval(mins => $2)
            ORDER BY opened_at LIMIT $3 FOR UPDATE SKIP LOCKED),
         moved AS (
           UPDATE fraud_cases f
              SET status = 'escalated_ivr', escalated_at = $1,
                  timeline = f.timeline || jsonb_build_array(jsonb_build_object('at', $1::timestamptz, 'event', 'escalated_ivr'))
             FROM due WHERE f.id = due.id
           RETURNING f.id, f.customer_id AS "customerId", f.transaction_id AS "transactionId", f.reference)
         SELECT * FROM moved`,
      [now, minutes, limit],
    );
  }

  /** Cases the IVR left unanswered for `minutes`, up to `limit`, locked (SKIP LOCKED) in the caller's transaction. */
  claimUnansweredIvr(
    manager: EntityManager,
    now: Date,
    minutes: number,
    limit: number,
  ): Promise<{ id: string; customerId: string }[]> {
    return sql<{ id: string; customerId: string }>(
      manager,
      `SELECT id, customer_id AS "customerId" FROM fraud_cases
          WHERE status = 'escalated_ivr' AND escalated_at <= $1::timestamptz - make_interval(mins => $2)
          ORDER BY escalated_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [now, minutes, limit],
    );
  }
}
