import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { ConsentScope } from '../compliance/consent-event.entity';
import { ConsentService } from '../compliance/consent.service';
import { ConsentValue } from '../compliance/policy.types';
import { Customer } from '../customers/customer.entity';
import { GroupCommit } from '../database/group-commit';
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
type ConsentKeyword = keyof typeof CONSENT_CHANGES;

interface PendingKeyword {
  sms: InboundSms;
  kind: ConsentKeyword;
  at: Date;
}

interface KeywordOutcome {
  customer: Customer | null;
  stored: boolean;
  /** The confirmation's template, when the keyword changed the customer's consent. */
  reply?: string;
}

/**
 * An SMS from a customer: read it, act on it (consent, a fraud answer), keep it on the timeline,
 * and answer with at most one reply. Twilio retries: a MessageSid seen before changes nothing.
 * Most replies (free text, HELP, a Y/N with no verification open) change nothing but the
 * timeline and take one statement; consent keywords and real answers take a transaction.
 */
@Injectable()
export class InboundSmsService {
  private readonly logger = new Logger('InboundSms');
  /** Consent keywords that arrive while others are written share the next transaction. */
  private readonly keywords = new GroupCommit<PendingKeyword, KeywordOutcome | undefined>(
    (batch) => this.db.transaction((manager) => this.applyKeywords(manager, batch)),
    { maxBatch: 32, concurrent: 2 },
  );

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
    if (CONSENT_CHANGES[intent.kind]) return this.consentKeyword(sms, intent.kind as ConsentKeyword);
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

  private async consentKeyword(sms: InboundSms, kind: ConsentKeyword): Promise<string> {
    const outcome = await this.keywords.submit({ sms, kind, at: this.clock.now() });
    if (!outcome) return EMPTY_TWIML;
    if (outcome.stored && !outcome.customer) this.unknownSender(sms, kind);
    return outcome.stored && outcome.customer && outcome.reply
      ? this.replies.twiml(outcome.customer, outcome.reply)
      : EMPTY_TWIML;
  }

  /**
   * Consent keywords that arrived together, in one transaction: act first, then record. Every
   * action is idempotent, so a crash in between is repaired by Twilio's retry. Undefined for a
   * MessageSid seen before.
   */
  private async applyKeywords(manager: EntityManager, batch: PendingKeyword[]): Promise<(KeywordOutcome | undefined)[]> {
    const senders = await this.store.lockSenders(
      manager,
      batch.map((k) => k.sms),
    );
    const fresh = batch.map((k, i) => ({ ...k, ...senders[i] })).filter((k) => !k.seen);
    const changing = fresh.filter((k) => k.customer);
    const recorded = await this.consent.appendLocked(
      manager,
      changing.map(({ customer, kind, sms, at }) => ({
        customerId: customer!.id,
        channel: 'sms',
        scope: CONSENT_CHANGES[kind]!.scope,
        state: CONSENT_CHANGES[kind]!.state,
        source: 'sms_keyword',
        evidence: { messageSid: sms.messageSid, keyword: sms.body.trim() },
        at,
      })),
    );
    const changed = new Set(changing.filter((_, i) => recorded[i].changed));
    const answered = fresh.map((k) => ({
      ...k,
      confirmation: changed.has(k) ? CONSENT_CHANGES[k.kind]!.confirmation : undefined,
    }));
    const kept = await this.store.keep(
      manager,
      answered.map(({ sms, customer, at, kind, confirmation }) => ({
        sms,
        customer,
        at,
        record: {
          intent: kind,
          unknownSenderIntent: kind,
          reply: confirmation ? { template: confirmation, versions: this.replies.versions(confirmation) } : undefined,
        },
      })),
    );
    const outcomes = new Map(answered.map((k, i) => [k.sms, { customer: k.customer, stored: kept[i], reply: k.confirmation }]));
    return batch.map((k) => outcomes.get(k.sms));
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
    const [stored] = await this.store.keep(this.db.manager, [{ sms, customer, record, at: this.clock.now() }]);
    return stored && record.reply ? this.replies.twiml(customer, record.reply.template, question) : EMPTY_TWIML;
  }

  private unknownSender(sms: InboundSms, intent: string): void {
    this.logger.log({ messageSid: sms.messageSid, intent }, 'inbound SMS from an unknown sender');
  }
}
