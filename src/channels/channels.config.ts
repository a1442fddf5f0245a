import { E164 } from '../common/e164';
import { EnvReader } from '../config/env-reader';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** When set, SMS go through the Messaging Service and Twilio picks the sender from its pool. */
  messagingServiceSid: string | undefined;
  /** The caller number for calls, and the SMS sender when there is no Messaging Service. */
  fromNumber: string;
  /** For tests and local runs: the SDK sends here what it would send to https://api.twilio.com. */
  apiBaseUrl: string | undefined;
}

/** Sends per second the dispatcher allows itself; 0 leaves a channel unpaced (benchmarks). */
export interface PacingSettings {
  /** Per sending number: Twilio queues (and after 10 hours fails) what a long code cannot send. */
  smsPerSecond: number;
  /** Per Twilio account. */
  callsPerSecond: number;
  /** Per mail server. */
  emailPerSecond: number;
}

export interface SandboxSettings {
  /** Whether sandbox SMS and calls report made-up progress (sent, delivered; ringing, answered, completed). */
  autoCallbacks: boolean;
  /** The pause before each made-up callback. */
  callbackDelayMs: number;
}

export interface ChannelsConfig {
  /** Unset: SMS and calls go to the sandbox. */
  twilio: TwilioSettings | undefined;
  /** Unset: e-mail goes to the sandbox. */
  smtpUrl: string | undefined;
  mailFrom: string;
  pacing: PacingSettings;
  sandbox: SandboxSettings;
}

const FORMATS: Record<string, [RegExp, string]> = {
  TWILIO_ACCOUNT_SID: [/^AC[0-9a-fA-F]{32}$/, 'AC followed by 32 hex digits'],
  TWILIO_MESSAGING_SERVICE_SID: [/^MG[0-9a-fA-F]{32}$/, 'MG followed by 32 hex digits'],
  TWILIO_FROM_NUMBER: [E164, 'a phone number in E.164, e.g. +8613800138000'],
  MAIL_FROM: [
    /^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/,
    'an address, optionally named: Herald <herald@example.com>',
  ],
};

export function readChannelsConfig(read: EnvReader): ChannelsConfig {
  const accountSid = read.string('TWILIO_ACCOUNT_SID', { optional: true });
  const configured = accountSid !== undefined;
  const authToken = read.string('TWILIO_AUTH_TOKEN', { optional: !configured, minLength: 16 });
  const messagingServiceSid = read.string('TWILIO_MESSAGING_SERVICE_SID', { optional: true });
  const fromNumber = read.string('TWILIO_FROM_NUMBER', { optional: !configured });
  const apiBaseUrl = read.url('TWILIO_API_BASE_URL', { protocols: ['http:', 'https:'], optional: true });
  const smtpUrl = read.url('SMTP_URL', { protocols: ['smtp:', 'smtps:'], optional: true });
  const mailFrom = read.string('MAIL_FROM', { default: 'Herald <herald@localhost>' })!;
  const values: Record<string, string | undefined> = {
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_MESSAGING_SERVICE_SID: messagingServiceSid,
    TWILIO_FROM_NUMBER: fromNumber,
    MAIL_FROM: mailFrom,
  };
  for (const [name, [format, description]] of Object.entries(FORMATS)) {
    if (values[name] !== undefined && !format.test(values[name]!)) read.reject(name, `must be ${description}`);
  }
  // Half a Twilio configuration would quietly leave SMS and calls in the sandbox.
  if (!configured && [authToken, messagingServiceSid, fromNumber, apiBaseUrl].some((v) => v !== undefined)) {
    read.reject('TWILIO_ACCOUNT_SID', 'is required when any other TWILIO_ variable is set');
  }
  return {
    twilio: configured
      ? { accountSid, authToken: authToken!, messagingServiceSid, fromNumber: fromNumber!, apiBaseUrl }
      : undefined,
    smtpUrl,
    mailFrom,
    pacing: {
      smsPerSecond: read.number('SMS_PER_SECOND', { default: 1, min: 0 }),
      callsPerSecond: read.number('CALLS_PER_SECOND', { default: 1, min: 0 }),
      emailPerSecond: read.number('EMAIL_PER_SECOND', { default: 10, min: 0 }),
    },
    sandbox: {
      autoCallbacks: read.bool('SANDBOX_AUTO_CALLBACKS', { default: true }),
      callbackDelayMs: read.int('SANDBOX_CALLBACK_DELAY_MS', { default: 1000, min: 0, max: 600_000 }),
    },
  };
}
