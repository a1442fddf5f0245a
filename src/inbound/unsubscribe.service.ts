import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/domain-error';
import { ConsentService } from '../compliance/consent.service';
import { sqlOne } from '../database/sql';
import { attemptIs } from '../dispatch/attempt-log.repository';

/**
 * RFC 8058 one-click unsubscribe from a marketing e-mail. The attempt id in the link is the
 * capability (a random UUID only the recipient has); one click revokes marketing e-mail once.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly consent: ConsentService,
  ) {}

  /** Whether this click changed anything; a repeated click records nothing. */
  async unsubscribe(attemptId: string): Promise<{ changed: boolean }> {
    const customerId = await this.customerOf(attemptId);
    // A click comes after the e-mail was prepared: the ledger's months before its id's instant are not read.
    const done = await sqlOne(
      this.db,
      `SELECT 1 FROM consent_events
        WHERE customer_id = $1 AND source = 'email_one_click' AND evidence->>'attemptId' = $2 AND at >= attempt_since($2::uuid)`,
      [customerId, attemptId],
    );
    if (done) return { changed: false };
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
    const attempt = await sqlOne<{ customerId: string }>(
      this.db,
      `SELECT customer_id AS "customerId" FROM contact_attempts WHERE ${attemptIs('$1')} AND channel = 'email'`,
      [attemptId],
    );
    if (!attempt) throw new NotFoundError('unsubscribe link', attemptId);
    return attempt.customerId;
  }
}
