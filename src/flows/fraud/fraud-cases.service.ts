import { AlertEvaluator } from '../../alerts/alert-evaluator.service';
import { sqlOf } from '../../database/sql';
import { randomInt } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError, NotFoundError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { EventOutbox } from '../../events/event-outbox.repository';
import { NewEvent } from '../../events/event-types';
import { OutboxRepository } from '../../dispatch/outbox.repository';
import { PURPOSE_PRIORITY } from '../../dispatch/contact-task.entity';
import { WorkOrdersRepository } from '../../work-orders/work-orders.repository';
import { FraudCasesRepository } from './fraud-cases.repository';
import { PostTransactionDto } from './dto/post-transaction.dto';
import { AnswerChannel, FraudCaseStatus, TxnVariables, VerificationAnswer } from './fraud-case.model';
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
    private readonly cases: FraudCasesRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly agentTasks: WorkOrdersRepository,
    private readonly events: EventOutbox,
    private readonly alerts: AlertEvaluator,
  ) {}

  /** Records a transaction and runs the rules; a hit opens a case. Posting the same reference again returns the first answer. */
  async ingest(dto: PostTransactionDto): Promise<TransactionDecision> {
    const now = this.clock.now();
    return this.db.transaction(async (manager) => {
      const customer = await this.cases.lockCustomer(
        manager,
        dto.customerId ? { id: dto.customerId } : { externalRef: dto.customerRef! },
      );
      if (!customer) throw new NotFoundError('customer', dto.customerId ?? dto.customerRef!);
      const kept = await this.cases.keepTransaction(manager, {
        customerId: customer.id,
        reference: dto.reference,
        amount: dto.amount,
        currency: dto.currency,
        merchant: dto.merchant,
        country: dto.country,
        city: dto.city ?? null,
        cardNotPresent: dto.cardNotPresent,
        at: dto.at,
        receivedAt: now,
        velocityMinutes: this.config.fraud.rules.velocityMinutes,
      });
      if (!kept.id) return this.previousDecision(manager, dto.reference, customer.id);
      const transactionId = kept.id;
      const txn: TransactionFacts = {
        amount: dto.amount,
        country: dto.country,
        city: dto.city ?? null,
        cardNotPresent: dto.cardNotPresent,
        at: new Date(dto.at),
      };
      const recent: TransactionFacts[] = kept.recent.map((r) => ({
        ...r,
        at: new Date(r.at),
      }));
      const reasons = assessTransaction(
        txn,
        { riskLevel: customer.riskLevel, country: customer.country, timezone: customer.timezone },
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
    const settled = await this.cases.settle(manager, {
      caseId,
      customerId,
      status: outcome.status,
      at: now,
      timeline: entry(now, `answered_${answer}`, { via, ...evidence }),
    });
    if (!settled) {
      const current = await this.cases.status(manager, caseId, customerId);
      if (!current) throw new NotFoundError('fraud case', caseId);
      return { caseId, status: current.status, applied: false };
    }
    await this.cases.setCard(manager, settled.customerId, { card: outcome.card, result: outcome.result, at: now });
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
    const ids = await this.cases.cardNoticeRefs(manager, settled.customerId, settled.transactionId);
    await this.events.record(manager, [
      fraudCaseEvent('fraud_case.closed', caseId, settled.customerId, outcome.status, now, { answer, via }),
      cardNotice(outcome.notice, caseId, settled.customerId, ids.customerRef, ids.transactionRef, now),
    ]);
    return { caseId, status: outcome.status, applied: true };
  }

  /** The customer asked for a person, or neither SMS nor IVR got an answer: a priority call for the fraud team. */
  async escalateToAgent(manager: EntityManager, caseId: string, customerId: string, now: Date, why: string): Promise<void> {
    await this.cases.escalateToAgent(manager, caseId, entry(now, 'escalated_agent', { why }));
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
      const open = await this.cases.lockAnswerable(manager, caseId, customerId);
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
    const rows = await this.cases.answerable(customerId);
    return rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      txn: { amount: r.amount, currency: r.currency, merchant: r.merchant, at: r.at.toISOString(), reference: r.reference },
    }));
  }

  async txnVariables(manager: EntityManager, transactionId: string, reference: string): Promise<TxnVariables> {
    const t = await this.cases.transaction(manager, transactionId);
    return { amount: t.amount, currency: t.currency, merchant: t.merchant, at: t.at.toISOString(), reference };
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
    const caseId = await this.cases.open(manager, {
      customerId,
      transactionId,
      reference,
      reasons,
      timeline: entry(now, 'opened', { reasons: reasons.map((r) => r.code) }),
      at: now,
    });
    await this.outbox.enqueue(
      [
        {
          customerId,
          purpose: 'fraud',
          channel: 'sms',
          templateKey: 'fraud-verification',
          variables: { txn: { ...txn, reference } },
          subjectRef: caseId,
          dueAt: now,
        },
      ],
      manager,
    );
    return caseId;
  }

  private async previousDecision(manager: EntityManager, reference: string, customerId: string): Promise<TransactionDecision> {
    const previous = await this.cases.previousDecision(manager, reference);
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
