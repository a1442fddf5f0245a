import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../database/sql';
import { attemptIs } from '../dispatch/attempt-log.repository';

/** The call attempt digits were pressed in. */
export interface GatherAttemptRow {
  customerId: string;
  subjectRef: string | null;
  purpose: string;
}

/** The digits of one gather, as the inbound message they are kept as. */
export interface GatheredDigitsMessage {
  customerId: string;
  /** `<CallSid>:<digits or ->`: one gather's reference. */
  providerRef: string;
  fromAddress: string;
  toAddress: string | null;
  digits: string;
  intent: string;
  attemptId: string;
  caseId: string;
  receivedAt: Date;
}

/** What a fraud IVR gather reads and keeps. */
@Injectable()
export class IvrGatherRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async attempt(attemptId: string): Promise<GatherAttemptRow | undefined> {
    return sqlOne<GatherAttemptRow>(
      this.db,
      `SELECT customer_id AS "customerId", subject_ref AS "subjectRef", purpose FROM contact_attempts WHERE ${attemptIs('$1')}`,
      [attemptId],
    );
  }

  /**
   * The digits of one gather are kept once (Twilio may post them again): claimed by their
   * reference in inbound_message_refs, stored only if the claim is new.
   */
  async keepOnce(message: GatheredDigitsMessage): Promise<void> {
    await sql(
      this.db,
      `WITH claimed AS (
         INSERT INTO inbound_message_refs (provider, provider_ref, received_at) VALUES ('twilio', $2, $9::timestamptz)
         ON CONFLICT (provider, provider_ref) DO NOTHING RETURNING provider_ref)
       INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, attempt_id, subject_ref, received_at)
       SELECT $1::uuid, 'call', 'twilio', $2, $3, $4, $5, $6, $7::uuid, $8, $9::timestamptz FROM claimed`,
      [
        message.customerId,
        message.providerRef,
        message.fromAddress,
        message.toAddress,
        message.digits,
        message.intent,
        message.attemptId,
        message.caseId,
        message.receivedAt,
      ],
    );
  }

  /** The card transaction a fraud case is about, and the case's reference. */
  async caseTransaction(caseId: string): Promise<{ transactionId: string; reference: string }> {
    return (await sqlOne<{ transactionId: string; reference: string }>(
      this.db,
      `SELECT transaction_id AS "transactionId", reference FROM fraud_cases WHERE id = $1`,
      [caseId],
    ))!;
  }
}
