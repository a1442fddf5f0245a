import { twilioErrorKind } from '../channel-error.classifier';
import { ChannelError } from '../channel.error';

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
  '+15005550001': { code: 21211, message: "The 'To' number is not a valid phone number.", channels: ['sms', 'call'] },
  '+15005550002': { code: 21612, message: "The 'To' phone number is not currently reachable via SMS.", channels: ['sms'] },
  '+15005550003': { code: 21408, message: 'Permission to send to this region has not been enabled.', channels: ['sms', 'call'] },
  '+15005550004': { code: 21610, message: 'Attempt to send to unsubscribed recipient', channels: ['sms'] },
  '+15005550009': { code: 21614, message: "'To' number is not a valid mobile number", channels: ['sms'] },
};

export function sandboxRefusal(channel: 'sms' | 'call', to: string): ChannelError | undefined {
  const refusal = Object.hasOwn(REFUSALS, to) ? REFUSALS[to] : undefined;
  if (!refusal?.channels.includes(channel)) return undefined;
  return new ChannelError(twilioErrorKind(refusal.code), String(refusal.code), refusal.message);
}
