export interface EmailMessage {
  attemptId: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Passed through as they are, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers: Record<string, string>;
}

export interface SentEmail {
  /** The Message-ID header, angle brackets included. */
  providerRef: string;
  /** The mail server took it; SMTP tells nothing later. */
  status: 'sent';
}

/** Sends one e-mail or throws a `ChannelError`. SMTP or the sandbox, chosen by configuration. */
export abstract class EmailChannel {
  abstract send(message: EmailMessage): Promise<SentEmail>;
}

/**
 * The attempt names its e-mail: a bounce or a reply quoting the Message-ID leads back to the
 * attempt without a lookup, and a repeated send of one attempt is recognisable as such.
 */
export function messageIdFor(attemptId: string, mailFrom: string): string {
  const domain = /@([^\s<>@]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'localhost';
  return `<${attemptId}@${domain}>`;
}
