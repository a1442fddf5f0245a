import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AgentAccessService } from '../../auth/agent-access.service';
import { ConsoleSession } from '../../auth/console-sessions';
import { providerOf } from '../../dispatch/courier';
import { VoiceChannel } from '../../channels/voice.channel';
import { Clock } from '../../common/clock';
import { DomainError, ValidationFailedError } from '../../common/domain-error';
import { Page, PageQuery } from '../../common/pagination';
import { discloseField } from '../../auth/personal-data.rules';
import { ConsentService } from '../../compliance/consent.service';
import { EligibilityService } from '../../compliance/eligibility.service';
import { describeReason } from '../../compliance/reason.messages';
import { AppConfig } from '../../config/app-config';
import { Customer } from '../../customers/customer.entity';
import { ContactPurpose } from '../../dispatch/contact-task.entity';
import { ANSWERABLE, FraudCaseView } from '../../flows/fraud/fraud-case.model';
import { FraudCasesQuery } from '../../flows/fraud/fraud-cases.query';
import { FraudCasesService } from '../../flows/fraud/fraud-cases.service';
import { AgentQueueService } from '../../flows/fraud/agent-queue.service';
import { CustomerOutcomesService, DispositionRecorded } from '../../flows/outcomes/customer-outcomes.service';
import { TemplatesService } from '../../templates/templates.service';
import { AgentDeskRepository, TaskRow } from './agent-desk.repository';
import { dispositionsFor, instalmentOffer, taskPurpose, taskScript } from './agent-script.rules';
import { DispositionForm, dispositionFromForm, identityVerified } from './disposition.form';
import { parseSubjectRef } from '../../common/subject-ref';

export interface QueuedTask {
  id: string;
  kind: string;
  priority: number;
  purpose: ContactPurpose;
  customerName: string;
  timezone: string;
  dueAt: Date;
  mine: boolean;
}

/**
 * The agent's desk: the queue, taking a task, everything the call needs in front of them (the
 * generated script, the checklist, the customer's context), click-to-call and the disposition.
 * Which tasks an agent may work is AgentAccessService's to say, as for the API.
 */
@Injectable()
export class AgentDeskService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly desk: AgentDeskRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly templates: TemplatesService,
    private readonly outcomes: CustomerOutcomesService,
    private readonly consent: ConsentService,
    private readonly eligibility: EligibilityService,
    private readonly fraudCases: FraudCasesQuery,
    private readonly fraud: FraudCasesService,
    private readonly voice: VoiceChannel,
    private readonly access: AgentAccessService,
    private readonly work: AgentQueueService,
  ) {}

  /** Open tasks due now that nobody else has taken; the agent's own taken tasks among them. Names masked, as in any list. */
  async queue(agent: ConsoleSession, page: PageQuery): Promise<Page<QueuedTask>> {
    const { rows, total } = await this.desk.queue(agent.userId, this.clock.now(), page);
    const items = rows.map((row) => ({
      ...row,
      customerName: discloseField('customer', 'fullName', 'list', agent.role, row.customerName),
      mine: row.mine === true,
      purpose: taskPurpose(row.kind, row.callBackPurpose),
    }));
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /** The zone staff read times in (STAFF_TIME_ZONE): a retry booked for a customer is shown to the agent in it. */
  get staffZone(): string {
    return this.config.workOrders.staffTimeZone;
  }

  /** The most urgent task nobody has taken; two agents asking at once get two different tasks. */
  async takeNext(agentId: string): Promise<string | undefined> {
    return (await this.work.takeNext(agentId))?.id;
  }

  async take(taskId: string, agentId: string): Promise<void> {
    await this.work.take(taskId, agentId);
  }

  async release(taskId: string, agentId: string): Promise<void> {
    await this.work.release(taskId, agentId);
  }

  /**
   * Everything the call needs: the task, the customer (as a detail shows them to the agent: the
   * name to ask for, the phone masked), the script (with its checklist) and the context.
   */
  async workspace(taskId: string, agent: ConsoleSession) {
    const task = await this.ownTask(taskId, agent);
    const customer = await this.db.getRepository(Customer).findOneByOrFail({ id: task.customerId });
    const purpose = taskPurpose(task.kind, task.callBackPurpose);
    const fraudCase = purpose === 'fraud' ? await this.caseFor(task, customer.id) : undefined;
    const [script, context, consent, callable] = await Promise.all([
      this.script(task, customer, purpose, fraudCase),
      this.context(customer.id),
      this.consent.currentState([customer.id]),
      this.eligibility.decide([{ customerId: customer.id, purpose, channel: 'call' }]),
    ]);
    return {
      task: { ...task, purpose },
      customer: {
        id: customer.id,
        fullName: discloseField('customer', 'fullName', 'detail', agent.role, customer.fullName),
        phone: discloseField('customer', 'phone', 'detail', agent.role, customer.phone),
        cardLast4: customer.cardLast4,
        cardStatus: customer.cardStatus,
        locale: customer.locale,
        timezone: customer.timezone,
        daysPastDue: customer.daysPastDue,
        statementBalance: customer.statementBalance,
        minimumDue: customer.minimumDue,
        currency: customer.currency,
      },
      fraudCase,
      script,
      context,
      consent: Object.entries(consent.get(customer.id)!).map(([channel, marks]) => ({
        channel,
        all: marks.all?.state ?? null,
        marketing: marks.marketing?.state ?? null,
      })),
      callNow: { allowed: callable[0].allowed, reasons: callable[0].reasons.map(describeReason) },
      dispositions: dispositionsFor(purpose, fraudCase ? ANSWERABLE.includes(fraudCase.status) : true),
    };
  }

  /**
   * Click-to-call: Twilio rings the agent's phone and, when they answer, dials the customer.
   * The policy applies as to any call; the attempt is logged like every other contact.
   */
  async call(taskId: string, agent: ConsoleSession): Promise<{ providerRef: string }> {
    const task = await this.ownTask(taskId, agent);
    const purpose = taskPurpose(task.kind, task.callBackPurpose);
    const { customer, user } = await this.desk.phones(task.customerId, agent.userId);
    if (!user?.phone) {
      throw new DomainError(
        'AGENT_PHONE_MISSING',
        'an admin must set your phone number before you can click to call',
        HttpStatus.CONFLICT,
      );
    }
    if (!customer?.phone)
      throw new DomainError('CUSTOMER_PHONE_MISSING', 'the customer has no phone number', HttpStatus.CONFLICT);
    const [decision] = await this.eligibility.decide([{ customerId: task.customerId, purpose, channel: 'call' }]);
    if (!decision.allowed) {
      throw new DomainError(
        'CALL_NOT_ALLOWED',
        `the policy forbids this call now: ${decision.reasons.map(describeReason).join('; ')}`,
        HttpStatus.CONFLICT,
      );
    }
    const provider = providerOf('call', this.config.channels);
    const attemptId = await this.desk.logCall({
      customerId: task.customerId,
      purpose,
      provider,
      detail: `click-to-call by ${agent.username}`,
      subjectRef: task.subjectRef,
      // The instant the policy allowed the call at, which its caps will count it at.
      at: this.clock.now(),
    });
    try {
      const placed = await this.voice.call({ attemptId, to: user.phone, twiml: bridgeTwiml(customer.phone) });
      await this.desk.callPlaced(attemptId, placed.providerRef, placed.status);
      return placed;
    } catch (error) {
      await this.desk.callFailed(attemptId, (error as Error).message);
      throw error;
    }
  }

  /**
   * The click-to-call the page watches: the one Twilio named `providerRef` when it was placed, or
   * the latest the desk placed for the task's customer — always one of that customer's calls.
   */
  async watchedCall(taskId: string, agent: ConsoleSession, providerRef?: string) {
    const task = await this.ownTask(taskId, agent);
    const call = await this.desk.watchedCall(task.customerId, providerRef ?? null);
    return { customerId: task.customerId, call };
  }

  /** The call's state now, as the database has it (the stream's first event, and after a lost notice). */
  async callStatus(attemptId: string): Promise<string | undefined> {
    return (await this.desk.callStatus(attemptId))?.status;
  }

  /**
   * The disposition closes the task; on the profile, with its effects, in one transaction. A fraud
   * answer settles the task's case (a fraud call back's: the customer's oldest unanswered one).
   */
  async complete(taskId: string, agent: ConsoleSession, form: DispositionForm): Promise<DispositionRecorded> {
    const task = await this.ownTask(taskId, agent);
    const purpose = taskPurpose(task.kind, task.callBackPurpose);
    const customer = await this.db.getRepository(Customer).findOneByOrFail({ id: task.customerId });
    const disposition = dispositionFromForm(form, customer.timezone);
    const answersCase = disposition.code === 'not_fraud' || disposition.code === 'fraud_confirmed';
    const fraudCase = purpose === 'fraud' ? await this.caseFor(task, customer.id) : undefined;
    // Only the outcomes the page offered for this call in its case's state; a fraud answer to a
    // settled case is left to the service, whose 409 says the answer is in.
    const offered = dispositionsFor(purpose, fraudCase ? ANSWERABLE.includes(fraudCase.status) : true);
    if (!answersCase && !offered.includes(disposition.code)) {
      throw new ValidationFailedError([{ field: 'code', reason: `is not an outcome of this ${purpose} call` }]);
    }
    const caseId = answersCase ? await this.caseIdFor(task, task.customerId) : undefined;
    if (answersCase && !caseId) {
      throw new DomainError('FRAUD_CASE_NONE_OPEN', 'the customer has no fraud case waiting for an answer', HttpStatus.CONFLICT);
    }
    // The boxes ticked against the steps of the very script the page showed; whether the outcome needs them is the service's rule.
    const script = await this.script(task, customer, purpose, fraudCase);
    const steps = 'verification' in script && script.verification ? script.verification.length : 0;
    return this.outcomes.dispose(
      task.customerId,
      {
        ...disposition,
        identityVerified: !('error' in script && script.error) && identityVerified(form.check, steps),
        caseId,
        purpose,
        agentTaskId: task.id,
      },
      agent,
    );
  }

  /** A task the agent may work (AgentAccessService), with what the desk shows of it. */
  private async ownTask(taskId: string, agent: ConsoleSession): Promise<TaskRow> {
    await this.access.assertTask(agent, taskId);
    // The access check found the task.
    return (await this.desk.task(taskId))!;
  }

  /** The fraud case the task is about; a call back names none, so the customer's oldest unanswered one. */
  private async caseFor(task: TaskRow, customerId: string) {
    const id = await this.caseIdFor(task, customerId);
    return id ? this.fraudCases.get(id) : undefined;
  }

  private async caseIdFor(task: TaskRow, customerId: string): Promise<string | undefined> {
    const subject = task.subjectRef ? parseSubjectRef(task.subjectRef) : undefined;
    if (subject?.kind === 'fraud_case') return subject.caseId;
    const [open] = await this.fraud.answerable(customerId);
    return open?.id;
  }

  private async script(task: TaskRow, customer: Customer, purpose: ContactPurpose, fraudCase?: FraudCaseView) {
    const key = taskScript(task.templateKey, purpose, task.kind);
    if (!key) return { error: `no agent script for ${purpose} calls` };
    const variables: Record<string, unknown> = {};
    if (fraudCase)
      variables.txn = await this.fraud.txnVariables(this.db.manager, fraudCase.transactionId, fraudCase.transaction.reference);
    if (key === 'collections-later-offer') variables.offer = instalmentOffer(customer, this.clock.now());
    try {
      const rendered = await this.templates.render({ key, locale: customer.locale, channel: 'agent', customer, variables });
      return { key, version: rendered.version, ...rendered.agent! };
    } catch (error) {
      return { key, error: (error as Error).message };
    }
  }

  private async context(customerId: string) {
    const [contacts, replies, profile] = await Promise.all([
      this.desk.recentContacts(customerId),
      this.desk.recentReplies(customerId),
      this.outcomes.profile(customerId),
    ]);
    return { contacts, replies, profile };
  }
}

/** Said to the agent, then the customer is dialled; the customer sees the centre's number. */
function bridgeTwiml(customerPhone: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say>Connecting you to the customer.</Say><Dial><Number>${customerPhone}</Number></Dial></Response>`;
}
