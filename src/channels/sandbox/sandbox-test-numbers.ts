import { twilioErrorKind } from '../channel-error.classifier';
import { ChannelError } from '../channel.error';
import { TWILIO_ERROR } from '../twilio-error-codes';

interface Refusal {
  code: number;
  message: string;
  channels: ('sms' | 'call')[];
}

/**
 * Twilio's magic numbers for test credentials (twilio.com/docs/iam/test-credentials). The
 * sandbox refuses them as Twilio would, so every failure path can be shown without an account.
 */
const REFUSALS: Record<string, Refusal> = {
  '+15005550001': {
    code: TWILIO_ERROR.INVALID_TO_NUMBER,
    message: "The 'To' number is not a valid phone number.",
    channels: ['sms', 'call'],
  },
  '+15005550002': {
    code: TWILIO_ERROR.NOT_REACHABLE_BY_SMS,
    message: "The 'To' phone number is not currently reachable via SMS.",
    channels: ['sms'],
  },
  '+15005550003': {
    code: TWILIO_ERROR.REGION_NOT_ENABLED,
    message: 'Permission to send to this region has not been enabled.',
    channels: ['sms', 'call'],
  },
  '+15005550004': {
    code: TWILIO_ERROR.UNSUBSCRIBED_RECIPIENT,
    message: 'Attempt to send to unsubscribed recipient',
    channels: ['sms'],
  },
  '+15005550009': {
    code: TWILIO_ERROR.NOT_A_MOBILE_NUMBER,
    message: "'To' number is not a valid mobile number",
    channels: ['sms'],
  },
};

export function sandboxRefusal(channel: 'sms' | 'call', to: string): ChannelError | undefined {
  const refusal = Object.hasOwn(REFUSALS, to) ? REFUSALS[to] : undefined;
  if (!refusal?.channels.includes(channel)) return undefined;
  return new ChannelError(twilioErrorKind(refusal.code), String(refusal.code), refusal.message);
}
