import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { SandboxSettings } from '../channels.config';
import { MessageStatus, ProviderRecord } from '../sms.channel';
import { twilioCallStatus, twilioMessageStatus } from '../twilio-status.mapper';
import { statusCallbackPath, TWILIO_WEBHOOK_PATHS } from '../twilio-webhook.paths';
import { CallStatus } from '../voice.channel';
import { SandboxMessage } from './sandbox-message.entity';
import { SandboxMessageRepository } from './sandbox-message.repository';
import { sandboxRefusal } from './sandbox-test-numbers';
import { TwilioCallbackPoster } from './twilio-callback.poster';

/** Twilio's number for test credentials that "sends" successfully: the sandbox's own sender. */
export const SANDBOX_NUMBER = '+15005550006';
const SANDBOX_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const CALL_SECONDS = '27';

export type AnsweredBy = 'human' | 'machine_start' | 'fax' | 'unknown';

export interface SimulatedStatus {
  status: MessageStatus | CallStatus;
  /** A Twilio error code for undelivered or failed, e.g. 30003 (handset unreachable). */
  errorCode?: number;
  /** For calls placed with machine detection. */
  answeredBy?: AnsweredBy;
}

export function twilioSid(prefix: 'SM' | 'CA'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/**
 * Speaks for Twilio in the sandbox: the status callbacks and inbound SMS it would post, with
 * its parameter names, signed, to the same webhook routes. Herald's handling cannot tell them
 * from Twilio's.
 */
@Injectable()
export class SandboxTwilioSimulator implements OnModuleDestroy {
  private readonly logger = new Logger('Sandbox');
  private readonly settings: SandboxSettings;
  /** Messages whose made-up progress is running, with the timer of the next step. */
  private readonly playing = new Map<string, NodeJS.Timeout | undefined>();
  /** A made-up step being written: a person's report waits for it, so that theirs lands last. */
  private readonly stepping = new Map<string, Promise<unknown>>();

  constructor(
    config: AppConfig,
    private readonly messages: SandboxMessageRepository,
    private readonly poster: TwilioCallbackPoster,
    private readonly clock: Clock,
  ) {
    this.settings = config.channels.sandbox;
  }

  /** The sandbox's records of one attempt's message or call: what a reconciliation finds there. */
  async recordsOf<Status extends MessageStatus | CallStatus>(attemptId: string): Promise<ProviderRecord<Status>[]> {
    return (await this.messages.forAttempt(attemptId)).map((m) => ({
      providerRef: m.providerRef,
      status: m.status as Status,
      createdAt: m.createdAt,
      body: m.channel === 'sms' ? m.body : undefined,
    }));
  }

  /** What Twilio does with a send: refuses a test number, or queues it and goes on to report progress. */
  accept(
    channel: 'sms' | 'call',
    send: { attemptId: string; to: string; from: string; body: string; machineDetection: boolean },
  ): string {
    const refusal = sandboxRefusal(channel, send.to);
    if (refusal) throw refusal;
    const message = this.messages.record({
      channel,
      direction: 'outbound',
      providerRef: twilioSid(channel === 'sms' ? 'SM' : 'CA'),
      attemptId: send.attemptId,
      toAddress: send.to,
      fromAddress: send.from,
      subject: null,
      body: send.body,
      html: null,
      headers: {},
      machineDetection: send.machineDetection,
      status: 'pending',
      errorCode: null,
    });
    this.progress(message);
    return message.providerRef;
  }

  /** What a real send goes on to report: sent, delivered; or ringing, answered, completed. */
  private progress(message: SandboxMessage): void {
    if (!this.settings.autoCallbacks) return;
    const steps: SimulatedStatus[] =
      message.channel === 'sms'
        ? [{ status: 'sent' }, { status: 'delivered' }]
        : [{ status: 'ringing' }, { status: 'in_progress', answeredBy: 'human' }, { status: 'completed', answeredBy: 'human' }];
    const play = (index: number) => {
      const step = async () => {
        this.playing.set(message.id, undefined);
        const writing = this.report(message, steps[index]);
        this.stepping.set(message.id, writing);
        try {
          await writing;
        } catch (error) {
          this.playing.delete(message.id);
          return this.logger.error({ err: error }, 'sandbox progress stopped');
        } finally {
          this.stepping.delete(message.id);
        }
        // A person may have reported an outcome meanwhile; theirs is the last word.
        if (!this.playing.has(message.id)) return;
        if (index + 1 < steps.length) play(index + 1);
        else this.playing.delete(message.id);
      };
      this.playing.set(message.id, setTimeout(() => void step(), this.settings.callbackDelayMs).unref());
    };
    play(0);
  }

  /** Records the status and posts its callback; resolves to the webhook's HTTP status, if it answered. */
  async report(message: SandboxMessage, simulated: SimulatedStatus, byHand = false): Promise<number | null> {
    if (byHand) {
      this.cancel(message.id);
      await this.stepping.get(message.id)?.catch(() => undefined);
    }
    const errorCode = simulated.errorCode === undefined ? null : String(simulated.errorCode);
    await this.messages.setStatus(message.id, simulated.status, errorCode);
    const params =
      message.channel === 'sms' ? this.messageStatusParams(message, simulated) : this.callStatusParams(message, simulated);
    const path = message.channel === 'sms' ? TWILIO_WEBHOOK_PATHS.messageStatus : TWILIO_WEBHOOK_PATHS.callStatus;
    return this.post(statusCallbackPath(path, message.attemptId!), params);
  }

  /** A customer's SMS to one of our numbers, posted to the inbound-SMS webhook. */
  async reply(message: SandboxMessage): Promise<number | null> {
    const sid = message.providerRef;
    return this.post(TWILIO_WEBHOOK_PATHS.inboundSms, {
      AccountSid: SANDBOX_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      MessageSid: sid,
      SmsSid: sid,
      SmsMessageSid: sid,
      SmsStatus: 'received',
      From: message.fromAddress,
      To: message.toAddress,
      Body: message.body,
      NumMedia: '0',
      NumSegments: '1',
    });
  }

  onModuleDestroy(): void {
    for (const id of [...this.playing.keys()]) this.cancel(id);
  }

  private cancel(id: string): void {
    clearTimeout(this.playing.get(id));
    this.playing.delete(id);
  }

  private messageStatusParams(message: SandboxMessage, { status, errorCode }: SimulatedStatus): Record<string, string> {
    const word = twilioMessageStatus(status as MessageStatus);
    return {
      AccountSid: SANDBOX_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      MessageSid: message.providerRef,
      SmsSid: message.providerRef,
      MessageStatus: word,
      SmsStatus: word,
      From: message.fromAddress,
      To: message.toAddress,
      ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
    };
  }

  private callStatusParams(message: SandboxMessage, { status, errorCode, answeredBy }: SimulatedStatus): Record<string, string> {
    const answered = status === 'in_progress' || status === 'completed';
    return {
      AccountSid: SANDBOX_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: message.providerRef,
      CallStatus: twilioCallStatus(status as CallStatus),
      CallbackSource: 'call-progress-events',
      Direction: 'outbound-api',
      From: message.fromAddress,
      Caller: message.fromAddress,
      To: message.toAddress,
      Called: message.toAddress,
      Timestamp: this.clock.now().toUTCString(),
      ...(status === 'completed' ? { CallDuration: CALL_SECONDS } : {}),
      ...(answered && message.machineDetection ? { AnsweredBy: answeredBy ?? 'human' } : {}),
      ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
    };
  }

  private async post(pathAndQuery: string, params: Record<string, string>): Promise<number | null> {
    try {
      const status = await this.poster.post(pathAndQuery, params);
      if (status >= 300) this.logger.warn(`sandbox callback to ${pathAndQuery.split('?')[0]} answered ${status}`);
      return status;
    } catch (error) {
      this.logger.warn(`sandbox callback to ${pathAndQuery.split('?')[0]} failed: ${(error as Error).message}`);
      return null;
    }
  }
}
