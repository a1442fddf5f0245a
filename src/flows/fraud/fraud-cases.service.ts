import { AlertEvaluator } from '../../alerts/alert-evaluator.service';
import { sqlOf } from '../../work-orders/work-orders.repository';
import { randomInt } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError, NotFoundError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { EventOutbox } from '../../events/event-outbox.repository';
import { NewEvent } from '../../events/event-types';
import { RiskLevel } from '../../customers/customer.entity';
import { OutboxRepository } from '../../dispatch/outbox.repository';
import { UrgentGate } from '../../dispatch/urgent-gate';
import { PURPOSE_PRIORITY } from '../../dispatch/contact-task.entity';
import { WorkOrdersRepository } from '../../work-orders/work-orders.repository';
import { PostTransactionDto } from './dto/post-transaction.dto';
import { ANSWERABLE, AnswerChannel, FraudCaseStatus, TxnVariables, VerificationAnswer } from './fraud-case.model';
import { assessTransaction, FraudReason, TransactionFacts } from './fraud.rules';

export interface TransactionDecision {
  transactionId: string;
  decision: 'cleared' | 'case_opened';
  reasons: FraudReason[];
  caseId: string | null;
}

export interface OpenCase {
  id: string;
  reference: string;
  txn: TxnVariables;
}

/** A case as its customer's: every change of a case names both, so an answer never lands on another customer's case. */
export interface CaseRef {
  caseId: string;
  customerId: string;
}

export interface AnswerOutcome {
  caseId: string;
  status: FraudCaseStatus;
  /** False when the case was already settled: a repeated answer changes nothing. */
  applied: boolean;
}

/** `ANSWERABLE` as SQL, on a `status` column (qualify it by prefixing the table's alias). */
const ANSWERABLE_SQL = `status IN (${ANSWERABLE.map((status) => `'${status}'`).join(', ')})`;

/** The outcome an answer leads to: the case, the card, the profile and the confirmation. */
const ANSWERS = {
  yes: {
    status: 'confirmed_genuine',
    card: 'active',
    result: 'genuine',
    template: 'fraud-confirmed-genuine',
    notice: 'card_release',
  },
  no: {
    status: 'confirmed_fraud',
    card: 'blocked',
    result: 'fraud',
    template: 'fraud-confirmed-not-genuine',
    notice: 'card_block',
  },
} as const;

const entry = (at: Date, event: string, detail: Record<string, unknown> = {}) =>
  JSON.stringify([{ at: at.toISOString(), event, ...detail }]);

/**
 * Fraud verification: a suspicious transaction opens a case (card on hold, verification SMS
 * queued, core system told after commit); answers settle it; silence escalates it (see
 * FraudEscalationSweep). Every change of a case appends to its timeline.
 */
@Injectable()
export class FraudCasesService {
  private readonly logger = new Logger('FraudCases');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly agentTasks: WorkOrdersRepository,
    private readonly events: EventOutbox,
    private readonly urgent: UrgentGate,
    private readonly alerts: AlertEvaluator,
  ) {}

  /** Records a transaction and runs the rules; a hit opens a case. Posting the same reference again returns the first answer. */
  async ingest(dto: PostTransactionDto): Promise<TransactionDecision> {
    // The core system waits for the decision, and a suspect's customer for the SMS: bulk sending gives way.
    this.urgent.enter();
    try {
      return await this.decide(dto, this.clock.now());
    } finally {
      this.urgent.leave();
    }
  }

  private async decide(dto: PostTransactionDto, now: Date): Promise<TransactionDecision> {
    return this.db.transaction(async (manager) => {
      // The cardholder's row lock serialises their transactions: velocity sees every earlier one.
      const [customer] = await manager.query(
        `SELECT id, external_ref AS "externalRef", risk_level AS "riskLevel", country, timezone
           FROM customers WHERE ${dto.customerId ? 'id = $1' : 'external_ref = $1'} FOR NO KEY UPDATE`,
        [dto.customerId ?? dto.customerRef],
      );
      if (!customer) throw new NotFoundError('customer', dto.customerId ?? dto.customerRef!);
      // Kept, with what the rules and a new case need in the same round trip: the customer's
      // recent transactions (the snapshot predates the insert, so the new one is not among them)
      // and the references of their open cases, read after the lock.
      const [kept] = await manager.query(
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
          customer.id,
          dto.reference,
          dto.amount,
          dto.currency,
          dto.merchant,
          dto.country,
          dto.city ?? null,
          dto.cardNotPresent,
          dto.at,
          now,
          this.config.fraud.rules.velocityMinutes,
        ],
      );
      if (!kept.id) return this.previousDecision(manager, dto.reference, customer.id);
      const transactionId: string = kept.id;
      const txn: TransactionFacts = {
        amount: dto.amount,
        country: dto.country,
        city: dto.city ?? null,
        cardNotPresent: dto.cardNotPresent,
        at: new Date(dto.at),
      };
      const recent: TransactionFacts[] = (kept.recent as (Omit<TransactionFacts, 'at'> & { at: string })[]).map((r) => ({
        ...r,
        at: new Date(r.at),
      }));
      const reasons = assessTransaction(
        txn,
        { riskLevel: customer.riskLevel as RiskLevel, country: customer.country, timezone: customer.timezone },
        recent,
        this.config.fraud.rules,
      );
      if (reasons.length === 0) return { transactionId, decision: 'cleared', reasons, caseId: null } as TransactionDecision;
      const caseId = await this.openCase(manager, customer.id, transactionId, new Set(kept.taken), reasons, now, {
        amount: dto.amount,
        currency: dto.currency,
        merchant: dto.merchant,
        at: txn.at.toISOString(),
      });
      // The case put the card on hold: the alert rules reading the card's status see it in this transaction.
      await this.alerts.onChange([customer.id], ['cardStatus'], sqlOf(manager));
      // Told in this transaction: the core system hears of exactly the holds that happened.
      await this.events.record(manager, [
        fraudCaseEvent('fraud_case.opened', caseId, customer.id, 'open', now, { reasons: reasons.map((r) => r.code) }),
        cardNotice('card_hold', caseId, customer.id, customer.externalRef, dto.reference, now),
      ]);
      return { transactionId, decision: 'case_opened', reasons, caseId } as TransactionDecision;
    });
  }

  /** The answer the customer (SMS, IVR) or an agent gave. Settled cases stay as they are. */
  async answer(
    ref: CaseRef,
    answer: VerificationAnswer,
    via: AnswerChannel,
    evidence: Record<string, unknown> = {},
  ): Promise<AnswerOutcome> {
    return this.db.transaction((manager) => this.answerWithin(manager, ref, answer, via, evidence));
  }

  /**
   * `answer` inside the caller's transaction (an agent's disposition settles the case with it).
   * The core system's notice is an event written in that transaction.
   */
  async answerWithin(
    manager: EntityManager,
    { caseId, customerId }: CaseRef,
    answer: VerificationAnswer,
    via: AnswerChannel,
    evidence: Record<string, unknown> = {},
  ): Promise<AnswerOutcome> {
    const now = this.clock.now();
    const outcome = ANSWERS[answer];
    const [settled] = await manager.query(
      // (A data-modifying CTE, so the driver hands back rows as for a SELECT.)
      `WITH settled AS (
         UPDATE fraud_cases
            SET status = $2, answered_at = $3, timeline = timeline || $4::jsonb
          WHERE id = $1 AND customer_id = $5 AND ${ANSWERABLE_SQL}
          RETURNING customer_id AS "customerId", transaction_id AS "transactionId", reference)
       SELECT * FROM settled`,
      [caseId, outcome.status, now, entry(now, `answered_${answer}`, { via, ...evidence }), customerId],
    );
    if (!settled) {
      const [current] = await manager.query(`SELECT status FROM fraud_cases WHERE id = $1 AND customer_id = $2`, [
        caseId,
        customerId,
      ]);
      if (!current) throw new NotFoundError('fraud case', caseId);
      return { caseId, status: current.status, applied: false };
    }
    // A release waits for the customer's other unanswered cases; a block is final.
    await manager.query(
      `UPDATE customers c
          SET card_status = CASE WHEN $2 = 'blocked' THEN 'blocked'
                                 WHEN c.card_status = 'on_hold' AND NOT EXISTS (
                                   SELECT 1 FROM fraud_cases f WHERE f.customer_id = c.id AND f.${ANSWERABLE_SQL}) THEN 'active'
                                 ELSE c.card_status END,
              last_verification_result = $3, last_verification_at = $4, updated_at = now()
        WHERE c.id = $1`,
      [settled.customerId, outcome.card, outcome.result, now],
    );
    // The IVR call is moot once the customer has answered.
    await this.outbox.withdraw(
      manager,
      { subjects: [caseId], purpose: 'fraud', templateKey: 'fraud-verification' },
      { status: 'cancelled', reason: { code: 'CUSTOMER_ANSWERED' } },
    );
    const txn = await this.txnVariables(manager, settled.transactionId, settled.reference);
    await this.outbox.enqueue(
      [
        {
          customerId: settled.customerId,
          purpose: 'fraud',
          channel: 'sms',
          templateKey: outcome.template,
          variables: { txn },
          subjectRef: caseId,
          dueAt: now,
        },
      ],
      manager,
    );
    // The next-steps call: the case's open verification call becomes it (one task per customer and case).
    if (answer === 'no') {
      await this.agentTasks.createTask(manager, {
        customerId: settled.customerId,
        kind: 'fraud_confirmed',
        priority: PURPOSE_PRIORITY.fraud,
        subjectRef: caseId,
        createdAt: now,
      });
    }
    const [ids] = await manager.query(
      `SELECT c.external_ref AS "customerRef", t.reference AS "transactionRef" FROM customers c, card_transactions t WHERE c.id = $1 AND t.id = $2`,
      [settled.customerId, settled.transactionId],
    );
    await this.events.record(manager, [
      fraudCaseEvent('fraud_case.closed', caseId, settled.customerId, outcome.status, now, { answer, via }),
      cardNotice(outcome.notice, caseId, settled.customerId, ids.customerRef, ids.transactionRef, now),
    ]);
    return { caseId, status: outcome.status, applied: true };
  }

  /** The customer asked for a person, or neither SMS nor IVR got an answer: a priority call for the fraud team. */
  async escalateToAgent(manager: EntityManager, caseId: string, customerId: string, now: Date, why: string): Promise<void> {
    await manager.query(
      `UPDATE fraud_cases SET status = 'escalated_agent', timeline = timeline || $2::jsonb WHERE id = $1 AND ${ANSWERABLE_SQL}`,
      [caseId, entry(now, 'escalated_agent', { why })],
    );
    await this.events.record(manager, [
      fraudCaseEvent('fraud_case.updated', caseId, customerId, 'escalated_agent', now, { why }),
    ]);
    await this.agentTasks.createTask(manager, {
      customerId,
      kind: 'fraud_verification',
      priority: PURPOSE_PRIORITY.fraud,
      subjectRef: caseId,
      createdAt: now,
    });
  }

  /** An IVR answer: 1 and 2 as Y and N, 0 (or nothing) a person. */
  async ivrInput(ref: CaseRef, digits: string, evidence: Record<string, unknown>): Promise<AnswerOutcome | null> {
    if (digits === '1' || digits === '2') return this.answer(ref, digits === '1' ? 'yes' : 'no', 'ivr', evidence);
    const { caseId, customerId } = ref;
    const now = this.clock.now();
    await this.db.transaction(async (manager) => {
      const [open] = await manager.query(
        `SELECT customer_id AS "customerId" FROM fraud_cases WHERE id = $1 AND customer_id = $2 AND ${ANSWERABLE_SQL} FOR UPDATE`,
        [caseId, customerId],
      );
      if (open)
        await this.escalateToAgent(
          manager,
          caseId,
          open.customerId,
          now,
          digits === '0' ? 'ivr_agent_requested' : 'ivr_no_input',
        );
    });
    return null;
  }

  /** The customer's cases still waiting for an answer, oldest first: what a Y/N reply may mean. */
  async answerable(customerId: string): Promise<OpenCase[]> {
    const rows = await this.db.query(
      `SELECT f.id, f.reference, t.amount::float8 AS amount, t.currency, t.merchant, t.occurred_at AS at
         FROM fraud_cases f JOIN card_transactions t ON t.id = f.transaction_id
        WHERE f.customer_id = $1 AND f.${ANSWERABLE_SQL} ORDER BY f.opened_at`,
      [customerId],
    );
    return rows.map((r: { id: string; reference: string; amount: number; currency: string; merchant: string; at: Date }) => ({
      id: r.id,
      reference: r.reference,
      txn: { amount: r.amount, currency: r.currency, merchant: r.merchant, at: r.at.toISOString(), reference: r.reference },
    }));
  }

  async txnVariables(manager: EntityManager, transactionId: string, reference: string): Promise<TxnVariables> {
    const [t] = await manager.query(
      `SELECT amount::float8 AS amount, currency, merchant, occurred_at AS at FROM card_transactions WHERE id = $1`,
      [transactionId],
    );
    return { amount: t.amount, currency: t.currency, merchant: t.merchant, at: (t.at as Date).toISOString(), reference };
  }

  /** The case with a reference free among the customer's open ones (`taken`), the card on hold, the SMS queued. */
  private async openCase(
    manager: EntityManager,
    customerId: string,
    transactionId: string,
    taken: Set<string>,
    reasons: FraudReason[],
    now: Date,
    txn: Omit<TxnVariables, 'reference'>,
  ): Promise<string> {
    if (taken.size >= 9000)
      throw new DomainError('FRAUD_TOO_MANY_OPEN_CASES', 'the customer has too many unanswered cases', HttpStatus.CONFLICT);
    let reference: string;
    do reference = String(randomInt(1000, 10_000));
    while (taken.has(reference));
    const [opened] = await manager.query(
      `WITH opened AS (
         INSERT INTO fraud_cases (customer_id, transaction_id, reference, reasons, timeline, opened_at)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6) RETURNING id
       ), held AS (
         UPDATE customers SET card_status = 'on_hold', updated_at = now() WHERE id = $1 AND card_status IN ('active', 'on_hold')
       )
       SELECT id FROM opened`,
      [
        customerId,
        transactionId,
        reference,
        JSON.stringify(reasons),
        entry(now, 'opened', { reasons: reasons.map((r) => r.code) }),
        now,
      ],
    );
    await this.outbox.enqueue(
      [
        {
          customerId,
          purpose: 'fraud',
          channel: 'sms',
          templateKey: 'fraud-verification',
          variables: { txn: { ...txn, reference } },
          subjectRef: opened.id,
          dueAt: now,
        },
      ],
      manager,
    );
    return opened.id;
  }

  private async previousDecision(manager: EntityManager, reference: string, customerId: string): Promise<TransactionDecision> {
    const [previous] = await manager.query(
      `SELECT t.id, t.customer_id AS "customerId", f.id AS "caseId", f.reasons
         FROM card_transactions t LEFT JOIN fraud_cases f ON f.transaction_id = t.id WHERE t.reference = $1`,
      [reference],
    );
    if (previous.customerId !== customerId) {
      throw new DomainError(
        'TRANSACTION_REFERENCE_TAKEN',
        `transaction ${reference} belongs to another customer`,
        HttpStatus.CONFLICT,
        [{ field: 'reference', reason: 'is already used for another customer' }],
      );
    }
    return previous.caseId
      ? { transactionId: previous.id, decision: 'case_opened', reasons: previous.reasons, caseId: previous.caseId }
      : { transactionId: previous.id, decision: 'cleared', reasons: [], caseId: null };
  }
}

/** fraud_case.opened / updated / closed: the case's new status, and what moved it. */
export function fraudCaseEvent(
  type: 'fraud_case.opened' | 'fraud_case.updated' | 'fraud_case.closed',
  caseId: string,
  customerId: string,
  status: FraudCaseStatus,
  at: Date,
  detail: Record<string, unknown> = {},
): NewEvent {
  return { type, customerId, occurredAt: at, data: { caseId, customerId, status, ...detail } };
}

/** The core system's card-hold notice, as it has always read it (`event`, `caseId`, `customerRef`, `transactionRef`). */
function cardNotice(
  event: 'card_hold' | 'card_release' | 'card_block',
  caseId: string,
  customerId: string,
  customerRef: string,
  transactionRef: string,
  at: Date,
): NewEvent {
  return { type: 'card.notice', customerId, occurredAt: at, data: { event, caseId, customerRef, transactionRef } };
}
