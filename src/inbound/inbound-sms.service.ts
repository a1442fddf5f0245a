import { AlertEvaluator } from '../alerts/alert-evaluator.service';
import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ConsentScope } from '../compliance/consent-event.entity';
import { ConsentValue } from '../compliance/policy.types';
import { Customer } from '../customers/customer.entity';
import { FraudCasesService, OpenCase } from '../flows/fraud/fraud-cases.service';
import { WorkOrdersService } from '../work-orders/work-orders.service';
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
type KeywordKind = keyof typeof CONSENT_CHANGES;

/**
 * An SMS from a customer: read it, act on it (consent, a fraud answer), keep it on the timeline,
 * and answer with at most one reply. Twilio retries: a MessageSid seen before changes nothing.
 * A reply takes one statement (InboundMessageStore), a consent keyword included; a real answer
 * to a verification goes through the fraud flow.
 */
@Injectable()
export class InboundSmsService {
  private readonly logger = new Logger('InboundSms');

  constructor(
    private readonly clock: Clock,
    private readonly store: InboundMessageStore,
    private readonly fraud: FraudCasesService,
    private readonly replies: SystemReply,
    private readonly workOrders: WorkOrdersService,
    private readonly alerts: AlertEvaluator,
  ) {}

  /** Returns the TwiML to answer Twilio with. */
  async receive(sms: InboundSms): Promise<string> {
    const intent = classifyInboundSms(sms.body);
    if (CONSENT_CHANGES[intent.kind]) return this.consentKeyword(sms, intent.kind as KeywordKind);
    const help = { template: 'help', versions: this.replies.versions('help') };
    const record: InboundRecord =
      intent.kind === 'answer'
        ? { intent: 'answer_without_case', unknownSenderIntent: intent.kind, reply: help, holdIfCasesOpen: true }
        : { intent: intent.kind, unknownSenderIntent: intent.kind, reply: intent.kind === 'help' ? help : undefined };
    const { stored, customer, openCases } = await this.store.record(sms, record, this.clock.now());
    if (openCases.length) return this.answer(customer!, intent as AnswerIntent, openCases, sms);
    if (stored && !customer) this.unknownSender(sms, record.unknownSenderIntent);
    // Someone answers what the customer wrote: a work order, one per message (a Twilio retry finds it opened).
    if (customer && intent.kind === 'free_text') {
      await this.workOrders.openForReply(customer.id, sms.messageSid, sms.body);
      // Rules counting the customer's replies (a complaint's words among them) see this one at once.
      await this.alerts.onChange([customer.id], ['freeTextReplies', 'complaintReplies']);
    }
    return stored && customer && record.reply ? this.replies.twiml(customer, record.reply.template) : EMPTY_TWIML;
  }

  /** Every keyword is on the ledger; one that changed the customer's consent is confirmed, once. */
  private async consentKeyword(sms: InboundSms, kind: KeywordKind): Promise<string> {
    const { scope, state, confirmation } = CONSENT_CHANGES[kind]!;
    const { stored, customer, changed } = await this.store.consentKeyword({
      sms,
      intent: kind,
      scope,
      state,
      confirmation: { template: confirmation, versions: this.replies.versions(confirmation) },
      at: this.clock.now(),
    });
    if (stored && !customer) this.unknownSender(sms, kind);
    return stored && customer && changed ? this.replies.twiml(customer, confirmation) : EMPTY_TWIML;
  }

  /** A Y/N while verifications are open: applied to the one it names (or the only one), else a question. */
  private async answer(customer: Customer, intent: AnswerIntent, open: OpenCase[], sms: InboundSms): Promise<string> {
    const target: OpenCase | undefined = intent.reference
      ? open.find((c) => c.reference === intent.reference)
      : open.length === 1
        ? open[0]
        : undefined;
    if (target) {
      await this.fraud.answer({ caseId: target.id, customerId: customer.id }, intent.answer, 'sms', {
        messageSid: sms.messageSid,
      });
    }
    const question = { pending: open.map((c) => c.txn) };
    const record: InboundRecord = target
      ? { intent: `fraud_${intent.answer}`, unknownSenderIntent: intent.kind, subjectRef: target.id }
      : {
          intent: 'answer_ambiguous',
          unknownSenderIntent: intent.kind,
          reply: { template: 'which-transaction', versions: this.replies.versions('which-transaction') },
        };
    const stored = await this.store.keep(sms, customer, record, this.clock.now());
    return stored && record.reply ? this.replies.twiml(customer, record.reply.template, question) : EMPTY_TWIML;
  }

  private unknownSender(sms: InboundSms, intent: string): void {
    this.logger.log({ messageSid: sms.messageSid, intent }, 'inbound SMS from an unknown sender');
  }
}
