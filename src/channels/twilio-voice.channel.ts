import twilio from 'twilio';
import { TwilioSettings } from './channels.config';
import { twilioChannelError } from './channel-error.classifier';
import { callStatusFromTwilio } from './twilio-status.mapper';
import { statusCallbackUrl, TWILIO_WEBHOOK_PATHS } from './twilio-webhook.paths';
import { OutboundCall, PlacedCall, VoiceChannel } from './voice.channel';

export class TwilioVoiceChannel extends VoiceChannel {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly settings: TwilioSettings,
    private readonly publicBaseUrl: string,
  ) {
    super();
  }

  async call({ attemptId, to, twiml, machineDetection }: OutboundCall): Promise<PlacedCall> {
    try {
      const call = await this.client.calls.create({
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
}
