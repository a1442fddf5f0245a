import twilio from 'twilio';
import { TwilioSettings } from './channels.config';
import { twilioChannelError } from './channel-error.classifier';
import { SentSms, SmsChannel, SmsMessage } from './sms.channel';
import { messageStatusFromTwilio } from './twilio-status.mapper';
import { statusCallbackUrl, TWILIO_WEBHOOK_PATHS } from './twilio-webhook.paths';

export class TwilioSmsChannel extends SmsChannel {
  constructor(
    private readonly client: twilio.Twilio,
    private readonly settings: TwilioSettings,
    private readonly publicBaseUrl: string,
  ) {
    super();
  }

  async send({ attemptId, to, body, from }: SmsMessage): Promise<SentSms> {
    const { messagingServiceSid, fromNumber } = this.settings;
    try {
      const message = await this.client.messages.create({
        to,
        body,
        statusCallback: statusCallbackUrl(this.publicBaseUrl, TWILIO_WEBHOOK_PATHS.messageStatus, attemptId),
        ...(messagingServiceSid ? { messagingServiceSid } : {}),
        // With a Messaging Service, From is only for a chosen sender from its pool.
        ...(from || !messagingServiceSid ? { from: from ?? fromNumber } : {}),
      });
      return { providerRef: message.sid, status: messageStatusFromTwilio(message.status) ?? 'pending' };
    } catch (error) {
      throw twilioChannelError(error);
    }
  }
}
