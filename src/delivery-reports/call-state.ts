import { sql, SqlRunner } from '../database/sql';
import { AttemptStatus } from '../dispatch/contact-attempt';

/**
 * A call's state as Twilio's status callbacks report it, told to whoever watches the customer's
 * calls (the agent desk's page, by server-sent events). PostgreSQL NOTIFY carries it: sent when
 * the report commits, heard by every Herald instance, whichever one Twilio called back. Ids and
 * the status only — no personal data goes over the channel.
 */
export const CALL_STATE_CHANNEL = 'herald_call_state';

export interface CallStateNotice {
  attemptId: string;
  customerId: string;
  status: AttemptStatus;
}

/** Tells the watchers, when the caller's transaction commits (NOTIFY is transactional). */
export async function notifyCallState(on: SqlRunner, notice: CallStateNotice): Promise<void> {
  await sql(on, `SELECT pg_notify($1, $2)`, [CALL_STATE_CHANNEL, JSON.stringify(notice)]);
}

/** After these Twilio says nothing more about the call. */
export const FINAL_CALL_STATES: readonly string[] = ['completed', 'busy', 'failed', 'no_answer', 'canceled'];
