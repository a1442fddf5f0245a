import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { OutboxRepository } from '../../dispatch/outbox.repository';
import { EventOutbox } from '../../events/event-outbox.repository';
import { fraudCaseEvent, FraudCasesService } from './fraud-cases.service';
import { FraudCasesRepository } from './fraud-cases.repository';

const BATCH = 500;

/**
 * Silence moves a case on: no SMS answer in time → an IVR call; no IVR answer in time → a person.
 * Every instance runs it; cases are claimed with SKIP LOCKED and moved in the claiming
 * transaction, so each escalation happens once however many instances sweep.
 */
@Injectable()
export class FraudEscalationSweep {
  private readonly logger = new Logger('FraudEscalation');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly events: EventOutbox,
    private readonly cases: FraudCasesService,
    private readonly repository: FraudCasesRepository,
  ) {}

  @Interval('fraud-escalation', 30_000)
  async tick(): Promise<void> {
    try {
      await this.sweep();
    } catch (error) {
      this.logger.error({ error: (error as Error).message }, 'fraud escalation sweep failed');
    }
  }

  /** One pass; returns how many cases went to the IVR and how many to an agent. */
  async sweep(): Promise<{ toIvr: number; toAgent: number }> {
    const now = this.clock.now();
    const toIvr = await this.db.transaction(async (manager) => {
      const due = await this.repository.escalateUnansweredSms(manager, now, this.config.fraud.smsAnswerMinutes, BATCH);
      const tasks = await Promise.all(
        due.map(async (c) => ({
          customerId: c.customerId,
          purpose: 'fraud' as const,
          channel: 'call' as const,
          templateKey: 'fraud-verification',
          variables: { txn: await this.cases.txnVariables(manager, c.transactionId, c.reference) },
          subjectRef: c.id,
          dueAt: now,
        })),
      );
      await this.outbox.enqueue(tasks, manager);
      await this.events.record(
        manager,
        due.map((c) => fraudCaseEvent('fraud_case.updated', c.id, c.customerId, 'escalated_ivr', now, { why: 'sms_unanswered' })),
      );
      return due.length;
    });
    const toAgent = await this.db.transaction(async (manager) => {
      const due = await this.repository.claimUnansweredIvr(manager, now, this.config.fraud.ivrAnswerMinutes, BATCH);
      for (const c of due) await this.cases.escalateToAgent(manager, c.id, c.customerId, now, 'ivr_unanswered');
      return due.length;
    });
    if (toIvr || toAgent) this.logger.log({ toIvr, toAgent }, 'fraud cases escalated');
    return { toIvr, toAgent };
  }
}
