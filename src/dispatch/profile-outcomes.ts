import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ContactChannel, ContactPurpose } from './contact-task.entity';
import { sql } from '../database/sql';

export interface ContactMade {
  customerId: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  outcome: string;
  at: Date;
}

/**
 * Writes contacts onto the customer profile: the last contact (time, channel, purpose, outcome),
 * the last outcome per purpose, and the count per channel. One statement for a whole batch, several contacts of one customer
 * included. A contact's time is its attempt's: a later report on that attempt finds it by that time.
 */
@Injectable()
export class ProfileOutcomes {
  async contacted(manager: EntityManager, contacts: ContactMade[]): Promise<void> {
    if (contacts.length === 0) return;
    await sql(
      manager,
      `WITH made AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
                AS m(customer_id, channel, purpose, outcome, at))
       ${contactedFrom('made')}`,
      [
        contacts.map((c) => c.customerId),
        contacts.map((c) => c.channel),
        contacts.map((c) => c.purpose),
        contacts.map((c) => c.outcome),
        contacts.map((c) => c.at),
      ],
    );
  }

  /**
   * A later word from the provider on a contact: it becomes the outcome — the last contact's, and
   * the last of its purpose — where that contact is still the latest one.
   */
  async outcome(manager: EntityManager, contact: ContactMade, rightParty: boolean): Promise<void> {
    await sql(
      manager,
      `UPDATE customers
          SET last_contact_outcome = CASE WHEN last_contact_at <= $2 THEN $3 ELSE last_contact_outcome END,
              last_outcomes = CASE WHEN (last_outcomes -> $5 ->> 'at')::timestamptz <= $2
                                   THEN jsonb_set(last_outcomes, ARRAY[$5, 'outcome'], to_jsonb($3::text))
                                   ELSE last_outcomes END,
              last_right_party_contact_at = CASE WHEN $4 THEN greatest(last_right_party_contact_at, $2) ELSE last_right_party_contact_at END,
              updated_at = now()
        WHERE id = $1`,
      [contact.customerId, contact.at, contact.outcome, rightParty, contact.purpose],
    );
  }
}

/**
 * The statement behind `contacted`, for the contacts in relation `made` (customer_id, channel,
 * purpose, outcome, at), composable into a larger one.
 */
export function contactedFrom(made: string): string {
  return `UPDATE customers c
     SET contact_counts = (SELECT jsonb_object_agg(k, coalesce((c.contact_counts ->> k)::int, 0) + coalesce((latest.added ->> k)::int, 0))
                             FROM jsonb_object_keys(c.contact_counts || latest.added) AS k),
         last_contact_at = CASE WHEN c.last_contact_at IS NULL OR c.last_contact_at <= latest.at THEN latest.at ELSE c.last_contact_at END,
         last_contact_channel = CASE WHEN c.last_contact_at IS NULL OR c.last_contact_at <= latest.at THEN latest.channel ELSE c.last_contact_channel END,
         last_contact_purpose = CASE WHEN c.last_contact_at IS NULL OR c.last_contact_at <= latest.at THEN latest.purpose ELSE c.last_contact_purpose END,
         last_contact_outcome = CASE WHEN c.last_contact_at IS NULL OR c.last_contact_at <= latest.at THEN latest.outcome ELSE c.last_contact_outcome END,
         last_outcomes = CASE WHEN (c.last_outcomes -> latest.purpose ->> 'at') IS NULL
                                OR (c.last_outcomes -> latest.purpose ->> 'at')::timestamptz <= latest.at
                              THEN c.last_outcomes || jsonb_build_object(latest.purpose,
                                     jsonb_build_object('channel', latest.channel, 'outcome', latest.outcome, 'at', latest.at))
                              ELSE c.last_outcomes END,
         updated_at = now()
    -- One row a customer (its latest contact, and its contacts counted by channel), in customer
    -- order: the rows are updated, and locked, in that order. One grouped pass, whatever the
    -- planner guesses of the batch's size.
    FROM (SELECT customer_id,
                 (array_agg(channel ORDER BY at DESC))[1] AS channel,
                 (array_agg(purpose ORDER BY at DESC))[1] AS purpose,
                 (array_agg(outcome ORDER BY at DESC))[1] AS outcome,
                 max(at) AS at,
                 (SELECT jsonb_object_agg(per_channel.channel, per_channel.n)
                    FROM (SELECT channel, count(*)::int AS n FROM unnest(array_agg(m.channel)) AS channel GROUP BY 1) per_channel) AS added
            FROM ${made} m GROUP BY customer_id ORDER BY customer_id) latest
   WHERE c.id = latest.customer_id`;
}
