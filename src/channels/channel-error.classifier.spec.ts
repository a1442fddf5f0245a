import { constants } from 'node:os';
import twilio from 'twilio';
import { ChannelError } from './channel.error';
import { smtpChannelError, twilioChannelError, twilioErrorKind } from './channel-error.classifier';

const rest = (statusCode: number, body: object | string) => new twilio.RestException({ statusCode, body });
const networkError = (code: string, message = `connect ${code}`) => Object.assign(new Error(message), { code });

describe('Twilio errors', () => {
  it.each([
    [400, 21211, 'permanent'],
    [400, 21614, 'permanent'],
    [400, 21612, 'permanent'],
    [401, 20003, 'permanent'],
    [400, 21610, 'opted_out'],
    [400, 30001, 'transient'],
    [400, 21611, 'transient'],
    [429, 20429, 'transient'],
  ] as const)('HTTP %i with code %i is %s', (status, code, kind) => {
    const error = twilioChannelError(rest(status, { code, message: 'from Twilio', status }));
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind, providerCode: String(code), message: 'from Twilio', ambiguous: false });
  });

  it('takes a 5xx as ambiguous — it may come after the message was created — and a 429 as certainly not sent', () => {
    for (const [status, body, providerCode] of [
      [500, 'gateway melted', 'HTTP_500'],
      [502, 'bad gateway', 'HTTP_502'],
      [503, { code: 20503, message: 'from Twilio', status: 503 }, '20503'],
    ] as const) {
      expect(twilioChannelError(rest(status, body))).toMatchObject({ kind: 'transient', providerCode, ambiguous: true });
    }
    expect(twilioChannelError(rest(429, { code: 21211, message: 'x' }))).toMatchObject({ kind: 'transient', ambiguous: false });
    expect(twilioChannelError(rest(404, 'not json'))).toMatchObject({ kind: 'permanent', providerCode: 'HTTP_404' });
  });

  it('knows nothing was sent when the connection was never made', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']) {
      expect(twilioChannelError(networkError(code))).toMatchObject({ kind: 'transient', providerCode: code, ambiguous: false });
    }
  });

  it('calls a timeout or a dropped connection ambiguous: the message may be on its way', () => {
    for (const code of ['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET']) {
      expect(twilioChannelError(networkError(code))).toMatchObject({ kind: 'transient', providerCode: code, ambiguous: true });
    }
    expect(twilioChannelError(new TypeError('boom'))).toMatchObject({
      kind: 'transient',
      providerCode: undefined,
      ambiguous: true,
    });
  });

  it('reads callback error codes the same way', () => {
    expect(twilioErrorKind(30003)).toBe('transient');
    expect(twilioErrorKind(30005)).toBe('permanent');
    expect(twilioErrorKind(21610)).toBe('opted_out');
  });

  it('passes a ChannelError through untouched', () => {
    const error = new ChannelError('opted_out', '21610', 'x');
    expect(twilioChannelError(error)).toBe(error);
    expect(smtpChannelError(error)).toBe(error);
  });
});

describe('SMTP errors', () => {
  const smtp = (fields: object) => Object.assign(new Error('smtp said no'), fields);

  it.each([
    [421, 'transient'],
    [450, 'transient'],
    [452, 'transient'],
    [535, 'permanent'],
    [550, 'permanent'],
    [554, 'permanent'],
  ] as const)('reply %i is %s', (responseCode, kind) => {
    expect(smtpChannelError(smtp({ responseCode, code: 'EENVELOPE' }))).toMatchObject({
      kind,
      providerCode: String(responseCode),
      ambiguous: false,
    });
  });

  it('takes what nodemailer refuses before talking to the server as permanent', () => {
    expect(smtpChannelError(smtp({ code: 'EENVELOPE' }))).toMatchObject({ kind: 'permanent', providerCode: 'EENVELOPE' });
    expect(smtpChannelError(smtp({ code: 'EAUTH' }))).toMatchObject({ kind: 'permanent', providerCode: 'EAUTH' });
  });

  it('takes a refused connection as transient and certainly unsent, a timeout as ambiguous', () => {
    expect(smtpChannelError(smtp({ code: 'ESOCKET', errno: -constants.errno.ECONNREFUSED, syscall: 'connect' }))).toMatchObject({
      kind: 'transient',
      providerCode: 'ECONNREFUSED',
      ambiguous: false,
    });
    expect(smtpChannelError(smtp({ code: 'ETIMEDOUT' }))).toMatchObject({ kind: 'transient', ambiguous: true });
  });
});
