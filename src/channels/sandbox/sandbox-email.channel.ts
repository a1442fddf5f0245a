import { EmailChannel, EmailMessage, messageIdFor, SentEmail } from '../email.channel';
import { SandboxMessageRepository } from './sandbox-message.repository';

export class SandboxEmailChannel extends EmailChannel {
  constructor(
    private readonly messages: SandboxMessageRepository,
    private readonly mailFrom: string,
  ) {
    super();
  }

  async send({ attemptId, to, subject, html, text, headers }: EmailMessage): Promise<SentEmail> {
    const { providerRef } = this.messages.record({
      channel: 'email',
      direction: 'outbound',
      providerRef: messageIdFor(attemptId, this.mailFrom),
      attemptId,
      toAddress: to,
      fromAddress: this.mailFrom,
      subject,
      body: text,
      html,
      headers,
      machineDetection: false,
      status: 'sent',
      errorCode: null,
    });
    return { providerRef, status: 'sent' };
  }
}
