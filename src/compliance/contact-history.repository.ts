import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Channel, ContactHistory, ContactRecord, Purpose } from './policy.types';
import { RulePacks } from './rule-packs';
import { sql } from '../database/sql';

/** Attempts that never left Herald or the provider reached nobody: they count toward no cap. */
export const UNCOUNTED_STATUSES = ['failed', 'canceled'];

/** Builds the contact history summaries the policy's caps count, from the contact log. */
@Injectable()
export class ContactHistoryRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly packs: RulePacks,
  ) {}

  /** How far back a summary reaches: the longest cap window of any pack. */
  get lookbackMs(): number {
    return Math.max(...this.packs.all().map((pack) => pack.lookbackMs));
  }

  /**
   * The recent contacts of many customers in one query (the contact log's customer index),
   * oldest first; customers without any get an empty history. With `upTo`, only the contacts
   * made by then: the history as it stood at that instant.
   */
  async summarise(customerIds: readonly string[], now: Date, upTo?: Date): Promise<Map<string, ContactHistory>> {
    const since = now.getTime() - this.lookbackMs;
    const histories = new Map<string, { since: number; contacts: ContactRecord[] }>(
      customerIds.map((id) => [id, { since, contacts: [] }]),
    );
    if (customerIds.length === 0) return histories;
    const rows = await sql<{
      customerId: string;
      at: string;
      purpose: Purpose;
      channel: Channel;
      connected: boolean;
      conversation: boolean;
      subjectRef: string | null;
    }>(
      this.db,
      `SELECT c.id AS "customerId", (extract(epoch FROM a.attempted_at) * 1000)::bigint AS at,
              a.purpose, a.channel, a.connected, a.conversation, a.subject_ref AS "subjectRef"
         FROM unnest($1::uuid[]) AS c(id)
        CROSS JOIN LATERAL (
              SELECT * FROM contact_attempts
               WHERE customer_id = c.id AND attempted_at > $2 AND attempted_at <= $4 AND status <> ALL ($3::text[])
              OFFSET 0) a
        ORDER BY c.id, a.attempted_at, a.id`,
      // Customer by customer (OFFSET 0 keeps the planner from folding the lateral read back into a
      // join), so each is read through the contact log's customer index whatever the planner believes
      // of the window: asked for the batch at once, a month it had no statistics for yet (a new
      // month, a fresh database) was read whole, once per batch.
      // Bounded on both sides, the query reads only the months of its window (contact_attempts is
      // partitioned by month; docs/scaling.md). Without upTo, a day past now: another instance's
      // clock may run a little ahead, and what it sent still counts.
      [[...histories.keys()], new Date(since), UNCOUNTED_STATUSES, upTo ?? new Date(now.getTime() + 86_400_000)],
    );
    for (const { customerId, at, ...rest } of rows) histories.get(customerId)!.contacts.push({ at: Number(at), ...rest });
    return histories;
  }
}
