import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { sql } from '../database/sql';
import { CONSENT_CHANGED_EVENTS, DO_NOT_CONTACT_ENTRIES } from '../events/consent.events';
import { DoNotContactEntry } from './do-not-contact-entry.entity';

/** Whether a customer's phone and e-mail address are on the list. */
export interface ListedRow {
  id: string;
  phone: boolean;
  email: boolean;
}

/** The do-not-contact list's statements beyond TypeORM's repository and the import's COPY. */
@Injectable()
export class DoNotContactRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** consent.changed, for subscribers, for each customer a newly listed entry stops; in the listing's transaction. */
  async recordConsentChanged(manager: EntityManager, entry: DoNotContactEntry): Promise<void> {
    await sql(
      manager,
      `WITH listed AS (SELECT $1::text AS kind, $2::text AS value, $3::timestamptz AS added_at),
             entries AS (${DO_NOT_CONTACT_ENTRIES('listed')}),
             ${CONSENT_CHANGED_EVENTS('entries')}
           SELECT count(*) FROM consent_changed`,
      [entry.kind, entry.value, entry.addedAt],
    );
  }

  /** Whether each customer's phone and e-mail address are listed now, or at `upTo`. */
  async listedFor(customerIds: readonly string[], upTo?: Date): Promise<ListedRow[]> {
    // Listed now: the partial index of entries not removed. Listed at `upTo`: added by then, not yet removed.
    const listed = upTo ? `d.added_at <= $2 AND (d.removed_at IS NULL OR d.removed_at > $2)` : 'd.removed_at IS NULL';
    return sql<ListedRow>(
      this.db,
      `SELECT c.id,
              EXISTS (SELECT 1 FROM do_not_contact d WHERE d.kind = 'phone' AND d.value = c.phone AND ${listed}) AS phone,
              EXISTS (SELECT 1 FROM do_not_contact d WHERE d.kind = 'email' AND d.value = lower(c.email) AND ${listed}) AS email
         FROM customers c
        WHERE c.id = ANY ($1::uuid[])`,
      [customerIds, ...(upTo ? [upTo] : [])],
    );
  }
}
