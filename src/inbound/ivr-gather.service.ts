import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Customer } from '../customers/customer.entity';
import { FraudCasesService } from '../flows/fraud/fraud-cases.service';
import { TemplatesService } from '../templates/templates.service';
import { EMPTY_TWIML } from './system-reply';
import { IvrGatherRepository } from './ivr-gather.repository';

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
    private readonly gathers: IvrGatherRepository,
    private readonly clock: Clock,
    private readonly fraud: FraudCasesService,
    private readonly templates: TemplatesService,
  ) {}

  async gathered(input: GatheredDigits): Promise<string> {
    const attempt = await this.gathers.attempt(input.attemptId);
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
    await this.gathers.keepOnce({
      customerId: attempt.customerId,
      providerRef: `${input.callSid}:${input.digits || '-'}`,
      // Herald placed the call: Twilio's To is the customer who pressed the keys.
      fromAddress: input.to ?? '',
      toAddress: input.from ?? null,
      digits: input.digits,
      intent: answer ? `fraud_${answer}` : input.digits === '0' ? 'agent_requested' : 'no_input',
      attemptId: input.attemptId,
      caseId,
      receivedAt: this.clock.now(),
    });
    if (!answer || !outcome) return HANG_UP;
    const customer = await this.db.getRepository(Customer).findOneByOrFail({ id: attempt.customerId });
    const { transactionId, reference } = await this.gathers.caseTransaction(caseId);
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
