import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlOne } from '../database/sql';
import { attemptIs } from '../dispatch/attempt-log.repository';

/** What a one-click unsubscribe reads: the e-mail's recipient, and whether the click was recorded already. */
@Injectable()
export class UnsubscribeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async alreadyUnsubscribed(customerId: string, attemptId: string): Promise<boolean> {
    // A click comes after the e-mail was prepared: the ledger's months before its id's instant are not read.
    const done = await sqlOne(
      this.db,
      `SELECT 1 FROM consent_events
        WHERE customer_id = $1 AND source = 'email_one_click' AND evidence->>'attemptId' = $2 AND at >= attempt_since($2::uuid)`,
      [customerId, attemptId],
    );
    return done !== undefined;
  }

  /** The customer an e-mail attempt went to; undefined if Herald sent no such e-mail. */
  async emailRecipient(attemptId: string): Promise<string | undefined> {
    const attempt = await sqlOne<{ customerId: string }>(
      this.db,
      `SELECT customer_id AS "customerId" FROM contact_attempts WHERE ${attemptIs('$1')} AND channel = 'email'`,
      [attemptId],
    );
    return attempt?.customerId;
  }
}
