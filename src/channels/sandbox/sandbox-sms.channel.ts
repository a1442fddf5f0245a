import { MessageStatus, ProviderRecord, SentQuery, SentSms, SmsChannel, SmsMessage } from '../sms.channel';
import { SANDBOX_NUMBER, SandboxTwilioSimulator } from './sandbox-twilio.simulator';

export class SandboxSmsChannel extends SmsChannel {
  constructor(private readonly twilio: SandboxTwilioSimulator) {
    super();
  }

  async send({ attemptId, to, body, from = SANDBOX_NUMBER }: SmsMessage): Promise<SentSms> {
    const providerRef = this.twilio.accept('sms', { attemptId, to, from, body, machineDetection: false });
    return { providerRef, status: 'pending' };
  }

  /** The sandbox knows its messages by attempt: no list to search. */
  findSent({ attemptId }: SentQuery): Promise<ProviderRecord<MessageStatus>[]> {
    return this.twilio.recordsOf(attemptId);
  }
}
