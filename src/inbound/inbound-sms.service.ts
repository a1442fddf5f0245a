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
import { EMPTY_TWIML, SystemReply } from './system-reply';

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string | undefined;
  body: string;
}

/** How each consent keyword family changes the ledger, and the confirmation it earns when it does. */
const CONSENT_CHANGES: Partial<
  Record<InboundIntent['kind'], { scope: ConsentScope; state: ConsentValue; confirmation: string }>
> = {
  opt_out_all: { scope: 'all', state: 'revoked', confirmation: 'opt-out-confirmation' },
  opt_out_marketing: { scope: 'marketing', state: 'revoked', confirmation: 'marketing-opt-out-confirmation' },
  // No opt-in template exists: the help text tells the customer how to stop again.
  opt_in: { scope: 'all', state: 'granted', confirmation: 'help' },
};

interface Handling {
  intent: string;
  subjectRef?: string;
  reply?: { template: string; variables?: Record<string, unknown> };
}

/**
 * An SMS from a customer: read it, act on it (consent, a fraud answer), keep it on the timeline,
 * and answer with at most one reply. Twilio retries: a MessageSid seen before changes nothing.
 */
@Injectable()
export class InboundSmsService {
  private readonly logger = new Logger('InboundSms');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly consent: ConsentService,
    private readonly fraud: FraudCasesService,
    private readonly replies: SystemReply,
  ) {}

  /** Returns the TwiML to answer Twilio with. */
  async receive(sms: InboundSms): Promise<string> {
    const [seen] = await this.db.query(`SELECT 1 FROM inbound_messages WHERE provider = 'twilio' AND provider_ref = $1`, [
      sms.messageSid,
    ]);
    if (seen) return EMPTY_TWIML;
    const customer = await this.sender(sms.from);
    const intent = classifyInboundSms(sms.body);
    // Act first, then record: every action is idempotent, so a crash in between is repaired by Twilio's retry.
    const handling = customer ? await this.handle(customer, intent, sms) : { intent: intent.kind };
    const [stored] = await this.db.query(
      `INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, subject_ref, received_at)
       VALUES ($1, 'sms', 'twilio', $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider, provider_ref) DO NOTHING RETURNING id`,
      [
        customer?.id ?? null,
        sms.messageSid,
        sms.from,
        sms.to ?? null,
        sms.body,
        handling.intent,
        handling.subjectRef ?? null,
        this.clock.now(),
      ],
    );
    if (!customer) this.logger.log({ messageSid: sms.messageSid, intent: handling.intent }, 'inbound SMS from an unknown sender');
    if (!stored || !customer || !handling.reply) return EMPTY_TWIML;
    return this.replies.sms(customer, handling.reply.template, handling.reply.variables, handling.subjectRef);
  }

  /** Several customers may share a phone: the one Herald contacted last is the one answering. */
  private sender(phone: string): Promise<Customer | null> {
    return this.db.getRepository(Customer).findOne({
      where: { phone },
      order: { lastContactAt: { direction: 'DESC', nulls: 'LAST' }, createdAt: 'DESC' },
    });
  }

  private async handle(customer: Customer, intent: InboundIntent, sms: InboundSms): Promise<Handling> {
    const change = CONSENT_CHANGES[intent.kind];
    if (change) {
      const { changed } = await this.consent.record({
        customerId: customer.id,
        channel: 'sms',
        scope: change.scope,
        state: change.state,
        source: 'sms_keyword',
        evidence: { messageSid: sms.messageSid, keyword: sms.body.trim() },
      });
      return { intent: intent.kind, reply: changed ? { template: change.confirmation } : undefined };
    }
    if (intent.kind === 'help') return { intent: 'help', reply: { template: 'help' } };
    if (intent.kind === 'answer') return this.answer(customer, intent, sms);
    return { intent: 'free_text' };
  }

  private async answer(
    customer: Customer,
    intent: Extract<InboundIntent, { kind: 'answer' }>,
    sms: InboundSms,
  ): Promise<Handling> {
    const open = await this.fraud.answerable(customer.id);
    if (open.length === 0) return { intent: 'answer_without_case', reply: { template: 'help' } };
    const target: OpenCase | undefined = intent.reference
      ? open.find((c) => c.reference === intent.reference)
      : open.length === 1
        ? open[0]
        : undefined;
    if (!target) {
      return {
        intent: 'answer_ambiguous',
        reply: { template: 'which-transaction', variables: { pending: open.map((c) => c.txn) } },
      };
    }
    await this.fraud.answer(target.id, intent.answer, 'sms', { messageSid: sms.messageSid });
    return { intent: `fraud_${intent.answer}`, subjectRef: target.id };
  }
}
