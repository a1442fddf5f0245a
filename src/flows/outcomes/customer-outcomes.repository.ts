import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sql, sqlOne } from '../../database/sql';
import { ContactChannel, ContactPurpose } from '../../dispatch/contact-task.entity';

export interface OutcomeEntry {
  customerId: string;
  purpose: ContactPurpose;
  channel: ContactChannel | null;
  outcome: string;
  at: Date;
}

/** The outcome columns of a customer, as `profile` reads them (the promise's date as text, its amount as numeric text). */
export interface OutcomesProfileRow {
  last_contact_at: Date | null;
  last_contact_channel: string | null;
  last_contact_purpose: string | null;
  last_contact_outcome: string | null;
  last_outcomes: Record<string, unknown>;
  last_disposition: string | null;
  last_disposition_at: Date | null;
  promise_to_pay_status: string | null;
  promise_to_pay_on: string | null;
  promise_to_pay_amount: string | null;
  marketing_mute_until: Date | null;
  last_verification_result: string | null;
  last_verification_at: Date | null;
  timezone: string;
  last_work_order_outcome: string | null;
  last_work_order_at: Date | null;
}

export interface NewDisposition {
  customerId: string;
  code: string;
  purpose: ContactPurpose;
  callBackAt: string | null;
  note: string | null;
  agentId: string;
  at: Date;
  /** The fraud case it answers, if any. */
  subjectRef: string | null;
  /** The channel the customer opted out of, if any. */
  channel: ContactChannel | null;
  identityVerified: boolean;
}

/** The customer's outcome columns and the agents' dispositions. */
@Injectable()
export class CustomerOutcomesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The last outcome per purpose for a batch of contacts, in one statement and the caller's
   * transaction; an older outcome never replaces a newer one.
   */
  async recordOutcomes(manager: EntityManager, entries: OutcomeEntry[]): Promise<void> {
    await sql(
      manager,
      `WITH latest AS (
         SELECT DISTINCT ON (customer_id, purpose) *
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS e(customer_id, purpose, channel, outcome, at)
          ORDER BY customer_id, purpose, at DESC),
       merged AS (
         SELECT customer_id, jsonb_object_agg(purpose, jsonb_build_object('channel', channel, 'outcome', outcome, 'at', at)) AS outcomes
           FROM latest GROUP BY customer_id)
       UPDATE customers c
          SET last_outcomes = c.last_outcomes || (
                SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(merged.outcomes) AS n(k, v)
                 WHERE (c.last_outcomes -> k ->> 'at') IS NULL OR (c.last_outcomes -> k ->> 'at')::timestamptz <= (v ->> 'at')::timestamptz),
              updated_at = now()
         FROM merged WHERE c.id = merged.customer_id`,
      [
        entries.map((e) => e.customerId),
        entries.map((e) => e.purpose),
        entries.map((e) => e.channel),
        entries.map((e) => e.outcome),
        entries.map((e) => e.at),
      ],
    );
  }

  /** The new disposition's id. */
  async insertDisposition(m: EntityManager, d: NewDisposition): Promise<string> {
    return (await sqlOne<{ id: string }>(
      m,
      `INSERT INTO customer_dispositions (customer_id, code, purpose, call_back_at, note, agent_id, at, subject_ref, channel, identity_verified)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [d.customerId, d.code, d.purpose, d.callBackAt, d.note, d.agentId, d.at, d.subjectRef, d.channel, d.identityVerified],
    ))!.id;
  }

  /**
   * The disposition on the customer's profile: the last one, a marketing mute (never shortened),
   * a right-party contact; the mute now in force.
   */
  async applyDisposition(
    m: EntityManager,
    customerId: string,
    change: { code: string; at: Date; marketingMuteUntil: Date | null; rightPartyContact: boolean },
  ): Promise<{ marketing_mute_until: Date | null }> {
    return (await sqlOne<{ marketing_mute_until: Date | null }>(
      m,
      `WITH updated AS (
         UPDATE customers
            SET last_disposition = $2, last_disposition_at = $3,
                marketing_mute_until = CASE WHEN $4::timestamptz IS NULL THEN marketing_mute_until
                                            ELSE greatest(marketing_mute_until, $4::timestamptz) END,
                last_right_party_contact_at = CASE WHEN $5 THEN greatest(last_right_party_contact_at, $3) ELSE last_right_party_contact_at END,
                updated_at = now()
          WHERE id = $1
        RETURNING marketing_mute_until)
         SELECT marketing_mute_until FROM updated`,
      [customerId, change.code, change.at, change.marketingMuteUntil, change.rightPartyContact],
    ))!;
  }

  async profile(customerId: string): Promise<OutcomesProfileRow | undefined> {
    return sqlOne<OutcomesProfileRow>(
      this.db,
      `SELECT last_contact_at, last_contact_channel, last_contact_purpose, last_contact_outcome,
              last_outcomes, last_disposition, last_disposition_at, promise_to_pay_status,
              to_char(promise_to_pay_on, 'YYYY-MM-DD') AS promise_to_pay_on, promise_to_pay_amount, marketing_mute_until,
              last_verification_result, last_verification_at, timezone, last_work_order_outcome, last_work_order_at
         FROM customers WHERE id = $1`,
      [customerId],
    );
  }

  /** Answered calls by the hour of the customer's day they were placed at. */
  async answersByHour(customerId: string, timezone: string): Promise<{ hour: number; answered: number }[]> {
    return sql<{ hour: number; answered: number }>(
      this.db,
      `SELECT extract(hour FROM attempted_at AT TIME ZONE $2)::int AS hour, count(*)::int AS answered
         FROM contact_attempts WHERE customer_id = $1 AND channel = 'call' AND connected
        GROUP BY 1 ORDER BY 1`,
      [customerId, timezone],
    );
  }
}
