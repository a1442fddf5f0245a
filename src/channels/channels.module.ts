import { Module, Provider } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { AppConfig } from '../config/app-config';
import { EmailChannel } from './email.channel';
import { SandboxEmailChannel } from './sandbox/sandbox-email.channel';
import { SandboxMessageRepository } from './sandbox/sandbox-message.repository';
import { SandboxSmsChannel } from './sandbox/sandbox-sms.channel';
import { SandboxTwilioSimulator } from './sandbox/sandbox-twilio.simulator';
import { SandboxVoiceChannel } from './sandbox/sandbox-voice.channel';
import { SandboxController } from './sandbox/sandbox.controller';
import { SandboxService } from './sandbox/sandbox.service';
import { TwilioCallbackPoster } from './sandbox/twilio-callback.poster';
import { SmsChannel } from './sms.channel';
import { SmtpEmailChannel } from './smtp-email.channel';
import { createTwilioClients } from './twilio-request.client';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { TwilioSmsChannel } from './twilio-sms.channel';
import { TwilioVoiceChannel } from './twilio-voice.channel';
import { TwilioWebhookSigner } from './twilio-webhook.signer';
import { VoiceChannel } from './voice.channel';

const TWILIO_CLIENTS = Symbol('TwilioClients');
type TwilioClients = ReturnType<typeof createTwilioClients>;

/** Configuration decides each channel: Twilio or SMTP when their settings are there, the sandbox otherwise. */
const channels: Provider[] = [
  {
    provide: TWILIO_CLIENTS,
    inject: [AppConfig],
    useFactory: (config: AppConfig) =>
      config.channels.twilio && createTwilioClients(config.channels.twilio, { timeoutMs: config.dispatch.sendTimeoutMs }),
  },
  {
    provide: SmsChannel,
    inject: [AppConfig, TWILIO_CLIENTS, SandboxTwilioSimulator],
    useFactory: (config: AppConfig, clients: TwilioClients | undefined, sandbox: SandboxTwilioSimulator) =>
      clients
        ? new TwilioSmsChannel(clients.bulk, config.channels.twilio!, config.publicBaseUrl, clients.urgent)
        : new SandboxSmsChannel(sandbox),
  },
  {
    provide: VoiceChannel,
    inject: [AppConfig, TWILIO_CLIENTS, SandboxTwilioSimulator],
    useFactory: (config: AppConfig, clients: TwilioClients | undefined, sandbox: SandboxTwilioSimulator) =>
      clients
        ? new TwilioVoiceChannel(clients.bulk, config.channels.twilio!, config.publicBaseUrl, clients.urgent)
        : new SandboxVoiceChannel(sandbox),
  },
  {
    provide: EmailChannel,
    inject: [AppConfig, SandboxMessageRepository],
    useFactory: ({ channels: { smtpUrl, mailFrom }, dispatch }: AppConfig, messages: SandboxMessageRepository) =>
      smtpUrl
        ? new SmtpEmailChannel(createTransport({ url: smtpUrl, pool: true, socketTimeout: dispatch.sendTimeoutMs }), mailFrom)
        : new SandboxEmailChannel(messages, mailFrom),
  },
];

/**
 * SmsChannel, VoiceChannel and EmailChannel for the dispatcher and the flows; TwilioWebhookSigner
 * and TwilioSignatureGuard (via `@TwilioWebhook()`) for the webhook controllers.
 */
@Module({
  controllers: [SandboxController],
  providers: [
    ...channels,
    TwilioWebhookSigner,
    TwilioSignatureGuard,
    TwilioCallbackPoster,
    SandboxMessageRepository,
    SandboxTwilioSimulator,
    SandboxService,
  ],
  exports: [SmsChannel, VoiceChannel, EmailChannel, TwilioWebhookSigner, TwilioSignatureGuard, SandboxService],
})
export class ChannelsModule {}
