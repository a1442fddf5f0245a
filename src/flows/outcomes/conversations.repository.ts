import { HttpStatus, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../../common/domain-error';
import { UNCOUNTED_STATUSES } from '../../compliance/contact-history.repository';
import { attemptIdAt } from '../../dispatch/attempt-id';
import { attemptIs } from '../../dispatch/attempt-log.repository';
import { ContactPurpose } from '../../dispatch/contact-task.entity';
import { sql, sqlOne } from '../../database/sql';
import { subjectRef } from '../../common/subject-ref';

/** How far back a disposition without an attempt id looks for the call it disposes. */
export const DISPOSED_CALL_LOOKBACK_HOURS = 24;

export interface ConversationRecorded {
  /** The contact-log row that now carries the conversation. */
  attemptId: string;
  /** When the call was made: the lock-out counts from its local day. */
  callAt: Date;
  /** On the call attempt Herald logged, or on a row of its own when Herald placed no call. */
  recordedOn: 'call_attempt' | 'agent_record';
}

export interface CallRow {
  id: string;
  purpose: ContactPurpose;
  attemptedAt: Date;
}

/**
 * Conversations on the contact log: the `conversation` mark of a call attempt, which the Reg F
 * lock-out counts (CAP_US_CONVERSATION_LOCKOUT). Only an agent's disposition sets it.
 */
@Injectable()
export class ConversationsRepository {
  /**
   * Marks the disposed call as a conversation: the `call` the disposition named (see namedCall),
   * or else the customer's latest call about `purpose` in the last day that reached the provider.
   * With no such call (the agent phoned from outside Herald, or the customer called in) the
   * conversation becomes a contact-log row of its own, a completed call by the agent, so that the
   * lock-out holds all the same.
   */
  async mark(
    manager: EntityManager,
    input: { customerId: string; purpose: ContactPurpose; call?: CallRow; at: Date; dispositionId: string },
  ): Promise<ConversationRecorded> {
    const call = input.call ?? (await this.latestCall(manager, input));
    if (call) {
      await sql(manager, `UPDATE contact_attempts SET conversation = true, updated_at = $2 WHERE ${attemptIs('$1')}`, [
        call.id,
        input.at,
      ]);
      return { attemptId: call.id, callAt: call.attemptedAt, recordedOn: 'call_attempt' };
    }
    const row = (await sqlOne<{ id: string }>(
      manager,
      `INSERT INTO contact_attempts (id, customer_id, purpose, channel, provider, status, connected, conversation, detail, subject_ref,
                                     attempted_at, updated_at)
       VALUES ($6, $1, $2, 'call', 'agent', 'completed', true, true, $3, $4, $5, $5) RETURNING id`,
      [
        input.customerId,
        input.purpose,
        'a conversation an agent recorded, on a call Herald did not place',
        subjectRef.disposition(input.dispositionId),
        input.at,
        // Made as the dispatcher makes its ids: a look-up by id reads the conversation's month.
        attemptIdAt(input.at),
      ],
    ))!;
    return { attemptId: row.id, callAt: input.at, recordedOn: 'agent_record' };
  }

  /** The call attempt a disposition names: this customer's, a call, about the same purpose. */
  async namedCall(
    manager: EntityManager,
    input: { customerId: string; purpose: ContactPurpose; attemptId?: string },
  ): Promise<CallRow> {
    const call = await sqlOne<CallRow & { customerId: string; channel: string }>(
      manager,
      `SELECT id, customer_id AS "customerId", channel, purpose, attempted_at AS "attemptedAt"
         FROM contact_attempts WHERE ${attemptIs('$1')} FOR UPDATE`,
      [input.attemptId],
    );
    const wrong =
      !call || call.customerId !== input.customerId || call.channel !== 'call'
        ? 'is not a call attempt to this customer'
        : call.purpose !== input.purpose
          ? `was a ${call.purpose} call, not ${input.purpose}`
          : undefined;
    if (wrong) {
      throw new DomainError('DISPOSITION_ATTEMPT_MISMATCH', `attemptId ${wrong}`, HttpStatus.BAD_REQUEST, [
        { field: 'attemptId', reason: wrong },
      ]);
    }
    // No call is `wrong` too.
    return call!;
  }

  private async latestCall(
    manager: EntityManager,
    input: { customerId: string; purpose: ContactPurpose; at: Date },
  ): Promise<CallRow | undefined> {
    const call = await sqlOne<CallRow>(
      manager,
      `SELECT id, purpose, attempted_at AS "attemptedAt" FROM contact_attempts
        WHERE customer_id = $1 AND channel = 'call' AND purpose = $2 AND status <> ALL ($3::text[])
          AND attempted_at <= $4 AND attempted_at > $4 - make_interval(hours => $5)
        ORDER BY attempted_at DESC, id DESC LIMIT 1 FOR UPDATE`,
      [input.customerId, input.purpose, UNCOUNTED_STATUSES, input.at, DISPOSED_CALL_LOOKBACK_HOURS],
    );
    return call;
  }
}
