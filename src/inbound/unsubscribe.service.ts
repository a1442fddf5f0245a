import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/domain-error';
import { ConsentService } from '../compliance/consent.service';
import { UnsubscribeRepository } from './unsubscribe.repository';

/**
 * RFC 8058 one-click unsubscribe from a marketing e-mail. The attempt id in the link is the
 * capability (a random UUID only the recipient has); one click revokes marketing e-mail once.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly clicks: UnsubscribeRepository,
    private readonly consent: ConsentService,
  ) {}

  /** Whether this click changed anything; a repeated click records nothing. */
  async unsubscribe(attemptId: string): Promise<{ changed: boolean }> {
    const customerId = await this.customerOf(attemptId);
    if (await this.clicks.alreadyUnsubscribed(customerId, attemptId)) return { changed: false };
    const { changed } = await this.consent.record({
      customerId,
      channel: 'email',
      scope: 'marketing',
      state: 'revoked',
      source: 'email_one_click',
      evidence: { attemptId },
    });
    return { changed };
  }

  /** 404 for a link Herald never sent: nothing to show, nothing to revoke. */
  async customerOf(attemptId: string): Promise<string> {
    const customerId = await this.clicks.emailRecipient(attemptId);
    if (!customerId) throw new NotFoundError('unsubscribe link', attemptId);
    return customerId;
  }
}
