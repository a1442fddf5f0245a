import twilio from 'twilio';
import { TwilioSettings } from './channels.config';
import { twilioChannelError } from './channel-error.classifier';
import { callStatusFromTwilio } from './twilio-status.mapper';
import { statusCallbackUrl, TWILIO_WEBHOOK_PATHS } from './twilio-webhook.paths';
import { ProviderRecord, SentQuery } from './sms.channel';
import { startOfDay } from './twilio-sms.channel';
import { CallStatus, OutboundCall, PlacedCall, VoiceChannel } from './voice.channel';

export class TwilioVoiceChannel extends VoiceChannel {
  /** `urgentClient`: the same account on a connection pool of its own (createTwilioClients). */
  constructor(
    private readonly client: twilio.Twilio,
    private readonly settings: TwilioSettings,
    private readonly publicBaseUrl: string,
    private readonly urgentClient = client,
  ) {
    super();
  }

  async call({ attemptId, to, twiml, machineDetection, urgent }: OutboundCall): Promise<PlacedCall> {
    try {
      const call = await (urgent ? this.urgentClient : this.client).calls.create({
        to,
        from: this.settings.fromNumber,
        twiml,
        statusCallback: statusCallbackUrl(this.publicBaseUrl, TWILIO_WEBHOOK_PATHS.callStatus, attemptId),
        statusCallbackMethod: 'POST',
        // Without events Twilio reports only `completed`; ringing and answered feed the funnel.
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        ...(machineDetection ? { machineDetection: 'Enable' } : {}),
      });
      return { providerRef: call.sid, status: callStatusFromTwilio(call.status) ?? 'pending' };
    } catch (error) {
      throw twilioChannelError(error);
    }
  }

  /** Twilio's Calls list, filtered by recipient and the day the call started. */
  async findPlaced({ to, since }: SentQuery): Promise<ProviderRecord<CallStatus>[]> {
    try {
      const calls = await this.client.calls.list({ to, startTimeAfter: startOfDay(since), pageSize: 100, limit: 1000 });
      return calls
        .filter((c) => c.dateCreated >= since)
        .map((c) => ({ providerRef: c.sid, status: callStatusFromTwilio(c.status) ?? 'pending', createdAt: c.dateCreated }));
    } catch (error) {
      throw twilioChannelError(error);
    }
  }
}
