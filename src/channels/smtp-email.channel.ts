import { OnModuleDestroy } from '@nestjs/common';
import { Transporter } from 'nodemailer';
import { smtpChannelError } from './channel-error.classifier';
import { EmailChannel, EmailMessage, messageIdFor, SentEmail } from './email.channel';

/** Through nodemailer's pooled SMTP transport: a few long-lived connections, many messages each. */
export class SmtpEmailChannel extends EmailChannel implements OnModuleDestroy {
  constructor(
    private readonly transport: Transporter,
    private readonly mailFrom: string,
  ) {
    super();
  }

  async send({ attemptId, to, subject, html, text, headers }: EmailMessage): Promise<SentEmail> {
    const messageId = messageIdFor(attemptId, this.mailFrom);
    try {
      await this.transport.sendMail({ from: this.mailFrom, to, subject, html, text, headers, messageId });
      return { providerRef: messageId, status: 'sent' };
    } catch (error) {
      throw smtpChannelError(error);
    }
  }

  onModuleDestroy(): void {
    this.transport.close();
  }
}
