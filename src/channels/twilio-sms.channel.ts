import twilio from 'twilio';
import { TwilioSettings } from './channels.config';
import { twilioChannelError } from './channel-error.classifier';
import { MessageStatus, ProviderRecord, SentQuery, SentSms, SmsChannel, SmsMessage } from './sms.channel';
import { messageStatusFromTwilio } from './twilio-status.mapper';
import { statusCallbackUrl, TWILIO_WEBHOOK_PATHS } from './twilio-webhook.paths';

export class TwilioSmsChannel extends SmsChannel {
  /** `urgentClient`: the same account on a connection pool of its own (createTwilioClients). */
  constructor(
    private readonly client: twilio.Twilio,
    private readonly settings: TwilioSettings,
    private readonly publicBaseUrl: string,
    private readonly urgentClient = client,
  ) {
    super();
  }

  async send({ attemptId, to, body, from, urgent }: SmsMessage): Promise<SentSms> {
    const { messagingServiceSid, fromNumber } = this.settings;
    try {
      const message = await (urgent ? this.urgentClient : this.client).messages.create({
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

  /** Twilio's Messages list, filtered by recipient and the day it was sent (its filter's precision). */
  async findSent({ to, since }: SentQuery): Promise<ProviderRecord<MessageStatus>[]> {
    try {
      const messages = await this.client.messages.list({ to, dateSentAfter: startOfDay(since), pageSize: 100, limit: 1000 });
      return messages
        .filter((m) => m.dateCreated >= since)
        .map((m) => ({
          providerRef: m.sid,
          status: messageStatusFromTwilio(m.status) ?? 'pending',
          createdAt: m.dateCreated,
          body: m.body,
        }));
    } catch (error) {
      throw twilioChannelError(error);
    }
  }
}

/** Twilio compares its date filters by the day: from midnight UTC of `instant`'s day. */
export function startOfDay(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}
