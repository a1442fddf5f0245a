import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentAccessService } from '../../auth/agent-access.service';
import { Principal } from '../../auth/role';
import { Clock } from '../../common/clock';
import { DomainError, NotFoundError, ValidationFailedError } from '../../common/domain-error';
import { ConsentService } from '../../compliance/consent.service';
import { EligibilityService } from '../../compliance/eligibility.service';
import { describeReason } from '../../compliance/reason.messages';
import { ContactPurpose, PURPOSE_PRIORITY } from '../../dispatch/contact-task.entity';
import { deskTaskAfter, NO_ANSWER_RETRY_MINUTES } from '../../work-orders/work-order.rules';
import { WorkOrdersRepository } from '../../work-orders/work-orders.repository';
import { preferredCallHour } from '../repayment/contact-plan';
import { PromiseTaken, PromiseToPayService } from '../repayment/promise-to-pay.service';
import { AnswerOutcome, FraudCasesService } from '../fraud/fraud-cases.service';
import { detailMismatch, dispositionEffects, FRAUD_ANSWERS, identityProblem } from './disposition.rules';
import { ConversationRecorded, ConversationsRepository } from './conversations.repository';
import { RecordDispositionDto } from './dto/record-disposition.dto';
import { CustomerOutcomesRepository, OutcomeEntry } from './customer-outcomes.repository';
import { subjectRef } from '../../common/subject-ref';
import { lockCustomer } from '../../customers/customer-row.repository';

export interface DispositionRecorded {
  id: string;
  customerId: string;
  code: string;
  marketingMuteUntil: string | null;
  promise: PromiseTaken | null;
  /** A conversation about the debt (Reg F): the call that now carries it; null when the disposition is none. */
  conversation: (Omit<ConversationRecorded, 'callAt'> & { callAt: string }) | null;
  /** With fraud_confirmed / not_fraud: the case as the answer left it. */
  fraudCase?: AnswerOutcome;
  /** With `agentTaskId`: what became of the task — closed, kept (a confirmed fraud's next steps), or retried at `nextTry`. */
  agentTask?: { id: string; after: 'closed' | 'kept' | 'retry'; nextTry?: string };
}

/** What Herald knows of how contacts with a customer went, and the agent's word on them. */
@Injectable()
export class CustomerOutcomesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outcomes: CustomerOutcomesRepository,
    private readonly clock: Clock,
    private readonly promises: PromiseToPayService,
    private readonly fraud: FraudCasesService,
    private readonly agentTasks: WorkOrdersRepository,
    private readonly consent: ConsentService,
    private readonly eligibility: EligibilityService,
    private readonly conversations: ConversationsRepository,
    private readonly access: AgentAccessService,
  ) {}

  /**
   * Writes the last outcome per purpose for a batch of contacts in one statement; an older
   * outcome never replaces a newer one. For the webhooks and the fraud flow to call.
   */
  async record(manager: EntityManager, entries: OutcomeEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.outcomes.recordOutcomes(manager, entries);
  }

  /**
   * An agent's disposition of a call: recorded, on the profile, with its effects — a promise, a
   * call back (allowed by the policy) queued for an agent, a fraud case settled, an opt-out in
   * the consent ledger, the agent's task closed — in one transaction. An outcome that discusses the
   * account needs the identity check done (DISCUSSES_ACCOUNT), and keeps that it was. An agent disposes only
   * through a task it holds for the customer, and settles only that task's fraud case.
   */
  async dispose(customerId: string, input: RecordDispositionDto, actor: Principal): Promise<DispositionRecorded> {
    const agentId = actor.userId;
    const mismatch = detailMismatch(input.code, { ...input });
    if (mismatch) {
      throw new DomainError(mismatch.error, mismatch.message, HttpStatus.BAD_REQUEST, [
        { field: mismatch.field, reason: mismatch.reason },
      ]);
    }
    const unverified = identityProblem(input.code, input.identityVerified);
    if (unverified) {
      throw new DomainError(unverified.error, unverified.message, HttpStatus.UNPROCESSABLE_ENTITY, [
        { field: unverified.field, reason: unverified.reason },
      ]);
    }
    const now = this.clock.now();
    const effects = dispositionEffects(input.code, input.purpose, now);
    if (input.callBackAt) {
      await this.assertCallBackAllowed(customerId, input.purpose, new Date(input.callBackAt), now, effects.conversation);
    }
    return this.db.transaction(async (m) => {
      await this.access.assertCustomer(actor, customerId, { taskId: input.agentTaskId, caseId: input.caseId }, m);
      if (!(await lockCustomer(m, customerId))) throw new NotFoundError('customer', customerId);
      const id = await this.outcomes.insertDisposition(m, {
        customerId,
        code: input.code,
        purpose: input.purpose,
        callBackAt: input.callBackAt ?? null,
        note: input.note ?? null,
        agentId,
        at: now,
        subjectRef: input.caseId ?? null,
        channel: input.channel ?? null,
        identityVerified: input.identityVerified === true,
      });
      const profile = await this.outcomes.applyDisposition(m, customerId, {
        code: input.code,
        at: now,
        marketingMuteUntil: effects.marketingMuteUntil,
        rightPartyContact: effects.rightPartyContact,
      });
      await this.record(m, [{ customerId, purpose: input.purpose, channel: 'call', outcome: input.code, at: now }]);
      const call = input.attemptId
        ? await this.conversations.namedCall(m, { customerId, purpose: input.purpose, attemptId: input.attemptId })
        : undefined;
      const conversation = effects.conversation
        ? await this.conversations.mark(m, { customerId, purpose: input.purpose, call, at: now, dispositionId: id })
        : null;
      const promise = input.promise
        ? await this.promises.promise(
            { customerId, promisedOn: input.promise.date, amount: input.promise.amount, source: 'agent' },
            m,
          )
        : null;
      const agentTask = input.agentTaskId
        ? await this.settleAgentTask(m, { taskId: input.agentTaskId, customerId, agentId, dispositionId: id, now }, input)
        : undefined;
      if (input.callBackAt) {
        await this.agentTasks.createTask(m, {
          customerId,
          kind: 'call_back',
          priority: PURPOSE_PRIORITY[input.purpose], // a call back keeps its purpose's rank in the queue
          subjectRef: subjectRef.callback(id),
          createdAt: now,
          dueAt: new Date(input.callBackAt),
        });
      }
      if (input.channel) {
        await this.consent.record(
          {
            customerId,
            channel: input.channel,
            scope: 'all',
            state: 'revoked',
            source: 'agent',
            evidence: { dispositionId: id },
            actorId: agentId,
            at: now,
          },
          m,
        );
      }
      const answer = FRAUD_ANSWERS[input.code];
      const settled = answer
        ? await this.fraud.answerWithin(m, { caseId: input.caseId!, customerId }, answer, 'agent', { agentId, dispositionId: id })
        : undefined;
      if (settled && !settled.applied) {
        // The customer's answer is in (by SMS, IVR or an earlier call): a second one would be recorded and do nothing.
        throw new DomainError(
          'DISPOSITION_CASE_SETTLED',
          `the fraud case is ${settled.status}: its answer is recorded`,
          HttpStatus.CONFLICT,
          [{ field: 'code', reason: `answers a case that is ${settled.status}` }],
        );
      }
      const recorded: DispositionRecorded = {
        id,
        customerId,
        code: input.code,
        marketingMuteUntil: profile.marketing_mute_until?.toISOString() ?? null,
        promise,
        conversation: conversation && { ...conversation, callAt: conversation.callAt.toISOString() },
        ...(settled ? { fraudCase: settled } : {}),
        ...(agentTask ? { agentTask } : {}),
      };
      return recorded;
    });
  }

  /**
   * A call back is a promise to call: it must fall where the policy allows a call, in the customer's
   * zone — counting the conversation this very disposition records, whose lock-out it would break.
   */
  private async assertCallBackAllowed(
    customerId: string,
    purpose: ContactPurpose,
    at: Date,
    now: Date,
    conversationNow: boolean,
  ): Promise<void> {
    if (at.getTime() <= now.getTime())
      throw new ValidationFailedError([{ field: 'callBackAt', reason: 'must be in the future' }]);
    const assumed = conversationNow
      ? [{ at: now.getTime(), purpose, channel: 'call' as const, connected: true, conversation: true, subjectRef: null }]
      : [];
    const [decision] = await this.eligibility.decide([{ customerId, purpose, channel: 'call', assumedContacts: assumed }], at);
    if (!decision.allowed) {
      throw new ValidationFailedError([
        { field: 'callBackAt', reason: `a call then is not allowed: ${decision.reasons.map(describeReason).join('; ')}` },
      ]);
    }
  }

  /**
   * The desk task the disposition was recorded through: closed, kept (a confirmed fraud's next
   * steps on the same task), or — no answer on a promised call — booked for the next try the
   * contact policy allows (deskTaskAfter). Refused when it is not the agent's open task for the customer.
   */
  private async settleAgentTask(
    m: EntityManager,
    task: { taskId: string; customerId: string; agentId: string; dispositionId: string; now: Date },
    input: RecordDispositionDto,
  ): Promise<NonNullable<DispositionRecorded['agentTask']>> {
    const facts = await this.agentTasks.deskTask(m, task.taskId);
    const after = facts ? deskTaskAfter(facts, input.code, input.caseId) : 'close';
    if (after === 'retry') {
      const nextTry = await this.nextTry(task.customerId, input.purpose, task.now);
      // Nowhere the policy allows a call (the customer revoked calls, say): the task closes as answered "no answer".
      if (nextTry && (await this.agentTasks.retryTask(m, { ...task, nextTry }))) {
        return { id: task.taskId, after: 'retry', nextTry: nextTry.toISOString() };
      }
    }
    if (after === 'keep' && (await this.agentTasks.keepTask(m, { ...task, outcome: input.code }))) {
      return { id: task.taskId, after: 'kept' };
    }
    if (after !== 'keep' && (await this.agentTasks.closeTask(m, { ...task, outcome: input.code }))) {
      return { id: task.taskId, after: 'closed' };
    }
    throw new DomainError(
      'AGENT_TASK_NOT_OPEN',
      'the task is closed, taken by another agent, or for another customer',
      HttpStatus.CONFLICT,
      [{ field: 'agentTaskId', reason: 'not an open task of yours for this customer' }],
    );
  }

  /** The next try of an unanswered promised call: after the retry gap, at the first instant the policy allows a call. */
  private async nextTry(customerId: string, purpose: ContactPurpose, now: Date): Promise<Date | undefined> {
    const at = new Date(now.getTime() + NO_ANSWER_RETRY_MINUTES * 60_000);
    // The unanswered call itself counts against the caps, as the dialler logged it.
    const made = [
      { at: now.getTime(), purpose, channel: 'call' as const, connected: false, conversation: false, subjectRef: null },
    ];
    const [decision] = await this.eligibility.decide([{ customerId, purpose, channel: 'call', assumedContacts: made }], at);
    if (decision.allowed) return at;
    return decision.nextAllowedAt && decision.nextAllowedAt > at ? decision.nextAllowedAt : undefined;
  }

  /** The outcomes part of a profile, with the hours the customer answers calls (their local time). */
  async profile(customerId: string) {
    const row = await this.outcomes.profile(customerId);
    if (!row) throw new NotFoundError('customer', customerId);
    const hours = await this.outcomes.answersByHour(customerId, row.timezone);
    const answersByHour = Object.fromEntries(hours.map((h) => [h.hour, h.answered]));
    return {
      customerId,
      lastContact: row.last_contact_at
        ? {
            at: row.last_contact_at,
            channel: row.last_contact_channel,
            purpose: row.last_contact_purpose,
            outcome: row.last_contact_outcome,
          }
        : null,
      lastOutcomes: row.last_outcomes,
      lastDisposition: row.last_disposition ? { code: row.last_disposition, at: row.last_disposition_at } : null,
      promiseToPay: row.promise_to_pay_on
        ? { on: row.promise_to_pay_on, amount: Number(row.promise_to_pay_amount), status: row.promise_to_pay_status }
        : null,
      marketingMuteUntil: row.marketing_mute_until,
      verification: row.last_verification_result ? { result: row.last_verification_result, at: row.last_verification_at } : null,
      // How the latest work order (an alert, a reply, a complaint) was resolved: src/work-orders.
      lastWorkOrder: row.last_work_order_outcome ? { outcome: row.last_work_order_outcome, at: row.last_work_order_at } : null,
      answersByHour,
      preferredCallHour: preferredCallHour(answersByHour),
    };
  }
}
