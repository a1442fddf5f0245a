import { InvalidConfigError, loadConfig } from '../config/app-config';

const SID = `AC${'a1'.repeat(16)}`;
const SERVICE = `MG${'b2'.repeat(16)}`;
const TOKEN = 'c3'.repeat(16);
const TWILIO = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM_NUMBER: '+15005550006' };

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as InvalidConfigError).problems;
  }
};

describe('channel settings', () => {
  it('defaults to the sandbox everywhere, paced as Twilio paces a long code', () => {
    expect(loadConfig({}).channels).toEqual({
      twilio: undefined,
      smtpUrl: undefined,
      mailFrom: 'Herald <herald@localhost>',
      pacing: { smsPerSecond: 1, callsPerSecond: 1, emailPerSecond: 10 },
      sandbox: { autoCallbacks: true, callbackDelayMs: 1000 },
    });
  });

  it('reads a whole Twilio configuration', () => {
    const { channels } = loadConfig({
      ...TWILIO,
      TWILIO_MESSAGING_SERVICE_SID: SERVICE,
      TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(channels.twilio).toEqual({
      accountSid: SID,
      authToken: TOKEN,
      messagingServiceSid: SERVICE,
      fromNumber: '+15005550006',
      apiBaseUrl: 'http://127.0.0.1:9',
    });
  });

  it('reads SMTP, the sender, pacing (0 = unpaced) and the sandbox switches', () => {
    const { channels } = loadConfig({
      SMTP_URL: 'smtps://u:p@mail.example.com:465',
      MAIL_FROM: 'Card Centre <cards@bank.example>',
      SMS_PER_SECOND: '0',
      CALLS_PER_SECOND: '0.5',
      EMAIL_PER_SECOND: '25',
      SANDBOX_AUTO_CALLBACKS: 'false',
      SANDBOX_CALLBACK_DELAY_MS: '10',
    });
    expect(channels).toMatchObject({
      smtpUrl: 'smtps://u:p@mail.example.com:465',
      mailFrom: 'Card Centre <cards@bank.example>',
      pacing: { smsPerSecond: 0, callsPerSecond: 0.5, emailPerSecond: 25 },
      sandbox: { autoCallbacks: false, callbackDelayMs: 10 },
    });
  });

  it.each([
    [{ ...TWILIO, TWILIO_ACCOUNT_SID: 'SK0123' }, 'TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits'],
    [{ ...TWILIO, TWILIO_MESSAGING_SERVICE_SID: 'MG123' }, 'TWILIO_MESSAGING_SERVICE_SID must be MG followed by 32 hex digits'],
    [{ ...TWILIO, TWILIO_FROM_NUMBER: '13800138000' }, 'TWILIO_FROM_NUMBER must be a phone number in E.164'],
    [{ ...TWILIO, TWILIO_AUTH_TOKEN: undefined }, 'TWILIO_AUTH_TOKEN is required'],
    [{ ...TWILIO, TWILIO_FROM_NUMBER: undefined }, 'TWILIO_FROM_NUMBER is required'],
    [{ TWILIO_AUTH_TOKEN: TOKEN }, 'TWILIO_ACCOUNT_SID is required when any other TWILIO_ variable is set'],
    [{ TWILIO_API_BASE_URL: 'http://127.0.0.1:9' }, 'TWILIO_ACCOUNT_SID is required when any other TWILIO_ variable is set'],
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL must be a smtp: or smtps: URL'],
    [{ MAIL_FROM: 'nobody' }, 'MAIL_FROM must be an address'],
    [{ SMS_PER_SECOND: '-1' }, 'SMS_PER_SECOND must be a number ≥ 0'],
    [{ SANDBOX_AUTO_CALLBACKS: 'sometimes' }, 'SANDBOX_AUTO_CALLBACKS must be true or false'],
  ])('refuses %j', (env, problem) => {
    expect(problems(env as NodeJS.ProcessEnv).join('\n')).toContain(problem);
  });
});
