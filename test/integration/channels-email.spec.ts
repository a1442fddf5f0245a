import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import { ChannelError } from '../../src/channels/channel.error';
import { SmtpEmailChannel } from '../../src/channels/smtp-email.channel';
import { freePort } from '../../src/database/embedded-database';
import { SmtpSink } from '../support/smtp-sink';

const MAIL_FROM = 'Card Centre <cards@bank.example>';

describe('e-mail through nodemailer SMTP to a local mail server', () => {
  let sink: SmtpSink;
  let channel: SmtpEmailChannel;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    channel = new SmtpEmailChannel(createTransport({ url: sink.url, pool: true }), MAIL_FROM);
  });
  afterAll(async () => {
    channel.onModuleDestroy();
    await sink.close();
  });
  beforeEach(() => sink.received.splice(0));

  const email = (overrides: object = {}) => ({
    attemptId: randomUUID(),
    to: 'li.na@example.cn',
    subject: '您的信用卡账单 / Your statement',
    html: '<p>本期应还 <b>¥1,234.56</b></p>',
    text: '本期应还 ¥1,234.56',
    headers: {
      'List-Unsubscribe': '<https://herald.example.com/unsubscribe/abc>, <mailto:unsubscribe@bank.example?subject=abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    ...overrides,
  });

  it('arrives whole: sender, recipient, both parts, the unsubscribe headers, and the Message-ID it reported', async () => {
    const message = email();
    const sent = await channel.send(message);

    expect(sent).toEqual({ providerRef: `<${message.attemptId}@bank.example>`, status: 'sent' });
    const [mail] = await sink.waitFor(1);
    expect(mail.user).toBe('herald');
    expect(mail.envelope).toEqual({ from: 'cards@bank.example', to: ['li.na@example.cn'] });
    expect(mail.parsed.messageId).toBe(sent.providerRef);
    expect(mail.parsed.subject).toBe(message.subject);
    expect(mail.parsed.from?.value).toEqual([{ name: 'Card Centre', address: 'cards@bank.example' }]);
    expect(mail.parsed.text?.trim()).toBe(message.text);
    expect(mail.parsed.html).toContain('<b>¥1,234.56</b>');
    // Long headers arrive folded (RFC 5322 2.2.3); unfolded they must be what was passed.
    const lines = Object.fromEntries(mail.parsed.headerLines.map(({ key, line }) => [key, line.replace(/\r?\n[ \t]+/g, ' ')]));
    expect(lines['list-unsubscribe']).toBe(`List-Unsubscribe: ${message.headers['List-Unsubscribe']}`);
    expect(lines['list-unsubscribe-post']).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('sends many over the pooled connections', async () => {
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => channel.send(email({ to: `c${i}@example.cn` }))));
    const received = await sink.waitFor(20);
    expect(new Set(received.map((m) => m.parsed.messageId))).toEqual(new Set(sent.map((s) => s.providerRef)));
  });

  it.each([
    [450, 'transient'],
    [452, 'transient'],
    [550, 'permanent'],
    [553, 'permanent'],
  ] as const)('classifies a %i refusal as %s', async (code, kind) => {
    sink.refuse(`refused-${code}@example.cn`, code);
    const error = await channel.send(email({ to: `refused-${code}@example.cn` })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind, providerCode: String(code), ambiguous: false });
  });

  it('takes an unreachable mail server as transient, nothing sent', async () => {
    const nowhere = new SmtpEmailChannel(createTransport({ url: `smtp://127.0.0.1:${await freePort()}`, pool: true }), MAIL_FROM);
    try {
      const error = await nowhere.send(email()).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: 'transient', providerCode: 'ECONNREFUSED', ambiguous: false });
    } finally {
      nowhere.onModuleDestroy();
    }
  });
});
