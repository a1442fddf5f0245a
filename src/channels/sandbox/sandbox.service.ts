import { HttpStatus, Injectable } from '@nestjs/common';
import { DomainError, ValidationFailedError } from '../../common/domain-error';
import { Page } from '../../common/pagination';
import { AppConfig } from '../../config/app-config';
import { SandboxQuery } from '../dto/sandbox-query.dto';
import { SimulateReplyDto } from '../dto/simulate-reply.dto';
import { CALL_OUTCOMES, SimulateStatusDto, SMS_OUTCOMES } from '../dto/simulate-status.dto';
import { SimulationResultDto } from '../dto/simulation-result.dto';
import { SandboxMessage } from './sandbox-message.entity';
import { SandboxMessageRepository } from './sandbox-message.repository';
import { SANDBOX_NUMBER, SandboxTwilioSimulator, twilioSid } from './sandbox-twilio.simulator';

/** What people do with the sandbox: look at what was sent, and play the customer and the network. */
@Injectable()
export class SandboxService {
  constructor(
    private readonly config: AppConfig,
    private readonly messages: SandboxMessageRepository,
    private readonly twilio: SandboxTwilioSimulator,
  ) {}

  list(query: SandboxQuery): Promise<Page<SandboxMessage>> {
    return this.messages.list(query);
  }

  get(id: string): Promise<SandboxMessage> {
    return this.messages.get(id);
  }

  /** Reports a delivery outcome for a sandbox SMS or call, as Twilio's status callback would. */
  async simulateStatus(id: string, input: SimulateStatusDto): Promise<SimulationResultDto> {
    this.assertTwilioSandbox();
    const message = await this.messages.get(id);
    if (message.direction !== 'outbound' || message.channel === 'email') {
      throw new DomainError('SANDBOX_NO_STATUS', 'only sandbox SMS and calls Herald sent report a status', HttpStatus.CONFLICT);
    }
    const outcomes: string[] = message.channel === 'sms' ? SMS_OUTCOMES : CALL_OUTCOMES;
    if (!outcomes.includes(input.status)) {
      throw new ValidationFailedError([
        { field: 'status', reason: `must be one of ${outcomes.join(', ')} for ${message.channel}` },
      ]);
    }
    const webhookStatus = await this.twilio.report(message, input, true);
    return { message: await this.messages.get(id), webhookStatus };
  }

  /** A customer's SMS to Herald, posted to the inbound-SMS webhook as Twilio would. */
  async simulateReply(input: SimulateReplyDto): Promise<SimulationResultDto> {
    this.assertTwilioSandbox();
    const message = this.messages.record({
      channel: 'sms',
      direction: 'inbound',
      providerRef: twilioSid('SM'),
      attemptId: null,
      toAddress: input.to ?? SANDBOX_NUMBER,
      fromAddress: input.from,
      subject: null,
      body: input.body,
      html: null,
      headers: {},
      machineDetection: false,
      status: 'received',
      errorCode: null,
    });
    const webhookStatus = await this.twilio.reply(message);
    return { message: await this.messages.get(message.id), webhookStatus };
  }

  /** With real Twilio credentials a simulated callback would carry a genuine signature. */
  private assertTwilioSandbox(): void {
    if (this.config.channels.twilio) {
      throw new DomainError('SANDBOX_OFF', 'SMS and calls go through Twilio; only Twilio reports on them', HttpStatus.CONFLICT);
    }
  }
}
