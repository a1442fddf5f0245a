import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerAddress, SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** The SMTP envelope, which may differ from the headers. */
  envelope: { from: string; to: string[] };
  /** The user the client logged in as, if it did. */
  user: string | undefined;
  parsed: ParsedMail;
  raw: string;
}

/**
 * A mail server on loopback that accepts whatever it is given (any login, no TLS), keeps each
 * message parsed for assertions, and can refuse recipients with a chosen SMTP reply.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private readonly refusals = new Map<string, { code: number; message: string }>();
  private readonly server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, done) => done(null, { user: auth.username }),
    onRcptTo: (address, _session, done) => done(this.refusal(address)),
    onData: (stream, session, done) => void this.receive(stream, session).then(() => done(), done),
  });

  private constructor() {}

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((listening) => sink.server.listen(0, '127.0.0.1', listening));
    return sink;
  }

  /** For SMTP_URL. */
  get url(): string {
    return `smtp://herald:secret@127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** Every later message to `address` is refused at RCPT TO with this reply (4xx or 5xx). */
  refuse(address: string, code: number, message = 'refused by the sink'): void {
    this.refusals.set(address.toLowerCase(), { code, message });
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`the SMTP sink has ${this.received.length} messages, expected ${count}`);
      await new Promise((later) => setTimeout(later, 10));
    }
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((closed) => this.server.close(() => closed()));
  }

  private refusal(address: SMTPServerAddress): Error | null {
    const refusal = this.refusals.get(address.address.toLowerCase());
    return refusal ? Object.assign(new Error(refusal.message), { responseCode: refusal.code }) : null;
  }

  private async receive(stream: Readable, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    this.received.push({
      envelope: {
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
      },
      user: session.user as string | undefined,
      parsed: await simpleParser(raw),
      raw,
    });
  }
}
