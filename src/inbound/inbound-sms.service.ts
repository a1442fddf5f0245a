import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { ConsentScope } from '../compliance/consent-event.entity';
import { ConsentService } from '../compliance/consent.service';
import { ConsentValue } from '../compliance/policy.types';
import { Customer } from '../customers/customer.entity';
import { FraudCasesService, OpenCase } from '../flows/fraud/fraud-cases.service';
import { classifyInboundSms, InboundIntent } from './inbound-keyword.classifier';
import { InboundMessageStore, InboundRecord, InboundSms } from './inbound-message.store';
import { EMPTY_TWIML, SystemReply } from './system-reply';

/** How each consent keyword family changes the ledger, and the confirmation it earns when it does. */
const CONSENT_CHANGES: Partial<
  Record<InboundIntent['kind'], { scope: ConsentScope; state: ConsentValue; confirmation: string }>
> = {
  opt_out_all: { scope: 'all', state: 'revoked', confirmation: 'opt-out-confirmation' },
  opt_out_marketing: { scope: 'marketing', state: 'revoked', confirmation: 'marketing-opt-out-confirmation' },
  // No opt-in template exists: the help text tells the customer how to stop again.
  opt_in: { scope: 'all', state: 'granted', confirmation: 'help' },
};

type AnswerIntent = Extract<InboundIntent, { kind: 'answer' }>;

/**
 * An SMS from a customer: read it, act on it (consent, a fraud answer), keep it on the timeline,
 * and answer with at most one reply. Twilio retries: a MessageSid seen before changes nothing.
 * Most replies (free text, HELP, a Y/N with no verification open) change nothing but the
 * timeline and take one statement; consent keywords and real answers take a transaction.
 */
@Injectable()
export class InboundSmsService {
  private readonly logger = new Logger('InboundSms');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly store: InboundMessageStore,
    private readonly consent: ConsentService,
    private readonly fraud: FraudCasesService,
    private readonly replies: SystemReply,
  ) {}

  /** Returns the TwiML to answer Twilio with. */
  async receive(sms: InboundSms): Promise<string> {
    const intent = classifyInboundSms(sms.body);
    if (CONSENT_CHANGES[intent.kind]) return this.consentKeyword(sms, intent);
    const help = { template: 'help', versions: this.replies.versions('help') };
    const record: InboundRecord =
      intent.kind === 'answer'
        ? { intent: 'answer_without_case', unknownSenderIntent: intent.kind, reply: help, holdIfCasesOpen: true }
        : { intent: intent.kind, unknownSenderIntent: intent.kind, reply: intent.kind === 'help' ? help : undefined };
    const { stored, customer, openCases } = await this.store.record(sms, record, this.clock.now());
    if (openCases.length) return this.answer(customer!, intent as AnswerIntent, openCases, sms);
    if (stored && !customer) this.unknownSender(sms, record.unknownSenderIntent);
    return stored && customer && record.reply ? this.replies.twiml(customer, record.reply.template) : EMPTY_TWIML;
  }

  /** Act first, then record: every action is idempotent, so a crash in between is repaired by Twilio's retry. */
  private async consentKeyword(sms: InboundSms, intent: InboundIntent): Promise<string> {
    const change = CONSENT_CHANGES[intent.kind]!;
    const now = this.clock.now();
    const outcome = await this.db.transaction(async (manager) => {
      const { seen, customer } = await this.store.lockSender(manager, sms);
      if (seen) return undefined;
      const changed =
        customer !== null &&
        (
          await this.consent.appendLocked(manager, {
            customerId: customer.id,
            channel: 'sms',
            scope: change.scope,
            state: change.state,
            source: 'sms_keyword',
            evidence: { messageSid: sms.messageSid, keyword: sms.body.trim() },
            at: now,
          })
        ).changed;
      const reply = changed ? { template: change.confirmation, versions: this.replies.versions(change.confirmation) } : undefined;
      const stored = await this.store.keep(
        manager,
        sms,
        customer,
        { intent: intent.kind, unknownSenderIntent: intent.kind, reply },
        now,
      );
      return { customer, stored, reply };
    });
    if (!outcome) return EMPTY_TWIML;
    if (outcome.stored && !outcome.customer) this.unknownSender(sms, intent.kind);
    return outcome.stored && outcome.customer && outcome.reply
      ? this.replies.twiml(outcome.customer, outcome.reply.template)
      : EMPTY_TWIML;
  }

  /** A Y/N while verifications are open: applied to the one it names (or the only one), else a question. */
  private async answer(customer: Customer, intent: AnswerIntent, open: OpenCase[], sms: InboundSms): Promise<string> {
    const target: OpenCase | undefined = intent.reference
      ? open.find((c) => c.reference === intent.reference)
      : open.length === 1
        ? open[0]
        : undefined;
    if (target) await this.fraud.answer(target.id, intent.answer, 'sms', { messageSid: sms.messageSid });
    const question = { pending: open.map((c) => c.txn) };
    const record: InboundRecord = target
      ? { intent: `fraud_${intent.answer}`, unknownSenderIntent: intent.kind, subjectRef: target.id }
      : {
          intent: 'answer_ambiguous',
          unknownSenderIntent: intent.kind,
          reply: { template: 'which-transaction', versions: this.replies.versions('which-transaction') },
        };
    const stored = await this.store.keep(this.db.manager, sms, customer, record, this.clock.now());
    return stored && record.reply ? this.replies.twiml(customer, record.reply.template, question) : EMPTY_TWIML;
  }

  private unknownSender(sms: InboundSms, intent: string): void {
    this.logger.log({ messageSid: sms.messageSid, intent }, 'inbound SMS from an unknown sender');
  }
}
