import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Customer } from '../customers/customer.entity';
import { attemptIs } from '../dispatch/attempt-log.repository';
import { FraudCasesService } from '../flows/fraud/fraud-cases.service';
import { TemplatesService } from '../templates/templates.service';
import { EMPTY_TWIML } from './system-reply';
import { sql, sqlOne } from '../database/sql';

const HANG_UP = '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>';
const SPOKEN_CONFIRMATION = { yes: 'fraud-confirmed-genuine', no: 'fraud-confirmed-not-genuine' } as const;

export interface GatheredDigits {
  attemptId: string;
  callSid: string;
  digits: string;
  from: string | undefined;
  to: string | undefined;
}

/**
 * Digits pressed during a fraud IVR call: 1 and 2 answer like Y and N (the call then speaks the
 * confirmation), 0 or nothing hands the case to a person. Idempotent by CallSid and digits.
 */
@Injectable()
export class IvrGatherService {
  private readonly logger = new Logger('IvrGather');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly fraud: FraudCasesService,
    private readonly templates: TemplatesService,
  ) {}

  async gathered(input: GatheredDigits): Promise<string> {
    const attempt = await sqlOne<{ customerId: string; subjectRef: string | null; purpose: string }>(
      this.db,
      `SELECT customer_id AS "customerId", subject_ref AS "subjectRef", purpose FROM contact_attempts WHERE ${attemptIs('$1')}`,
      [input.attemptId],
    );
    if (!attempt || attempt.purpose !== 'fraud' || !attempt.subjectRef) {
      this.logger.warn({ attemptId: input.attemptId }, 'IVR digits for an unknown or non-fraud attempt');
      return EMPTY_TWIML;
    }
    const caseId = attempt.subjectRef;
    const answer = input.digits === '1' ? 'yes' : input.digits === '2' ? 'no' : undefined;
    const outcome = await this.fraud.ivrInput({ caseId, customerId: attempt.customerId }, input.digits, {
      callSid: input.callSid,
      attemptId: input.attemptId,
    });
    // The digits of one gather are kept once (Twilio may post them again): claimed by their
    // reference in inbound_message_refs, stored only if the claim is new.
    await sql(
      this.db,
      `WITH claimed AS (
         INSERT INTO inbound_message_refs (provider, provider_ref, received_at) VALUES ('twilio', $2, $9::timestamptz)
         ON CONFLICT (provider, provider_ref) DO NOTHING RETURNING provider_ref)
       INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, attempt_id, subject_ref, received_at)
       SELECT $1::uuid, 'call', 'twilio', $2, $3, $4, $5, $6, $7::uuid, $8, $9::timestamptz FROM claimed`,
      [
        attempt.customerId,
        `${input.callSid}:${input.digits || '-'}`,
        // Herald placed the call: Twilio's To is the customer who pressed the keys.
        input.to ?? '',
        input.from ?? null,
        input.digits,
        answer ? `fraud_${answer}` : input.digits === '0' ? 'agent_requested' : 'no_input',
        input.attemptId,
        caseId,
        this.clock.now(),
      ],
    );
    if (!answer || !outcome) return HANG_UP;
    const customer = await this.db.getRepository(Customer).findOneByOrFail({ id: attempt.customerId });
    const { transactionId, reference } = (await sqlOne<{ transactionId: string; reference: string }>(
      this.db,
      `SELECT transaction_id AS "transactionId", reference FROM fraud_cases WHERE id = $1`,
      [caseId],
    ))!;
    const txn = await this.fraud.txnVariables(this.db.manager, transactionId, reference);
    const rendered = await this.templates.render({
      key: SPOKEN_CONFIRMATION[answer],
      locale: customer.locale,
      channel: 'voice',
      customer,
      variables: { txn },
    });
    return rendered.voice!.twiml;
  }
}
