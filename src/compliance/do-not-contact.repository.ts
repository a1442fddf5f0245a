import { Injectable } from '@nestjs/common';
import { PoolClient } from 'pg';
import { CopyStreamQuery, from as copyFrom } from 'pg-copy-streams';
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

/** The do-not-contact list's statements beyond TypeORM's repository. */
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

  /** The import's staging table, dropped when the import's transaction on `client` ends. */
  async createImportTable(client: PoolClient): Promise<void> {
    await client.query(
      `CREATE TEMP TABLE do_not_contact_import (line integer, kind text, value text, reason text) ON COMMIT DROP`,
    );
  }

  /** A stream of the import's lines into the staging table: line, kind, value, reason, tab-separated. */
  copyImportLines(client: PoolClient): CopyStreamQuery {
    return client.query(copyFrom(`COPY do_not_contact_import FROM STDIN`));
  }

  /**
   * Lists the staged addresses not listed already (an address staged twice, by its first line);
   * how many were newly listed.
   */
  async listImported(client: PoolClient, actorId: string, at: Date): Promise<number> {
    // What was newly listed, and — for subscribers — consent.changed for each customer it stops.
    const inserted = await client.query<{ added: number }>(
      `WITH listed AS (
           INSERT INTO do_not_contact (kind, value, reason, added_by, added_at)
           SELECT DISTINCT ON (kind, value) kind, value, reason, $1, $2
             FROM do_not_contact_import
            ORDER BY kind, value, line
           ON CONFLICT (kind, value) WHERE removed_at IS NULL DO NOTHING
           RETURNING kind, value, added_at),
         entries AS (${DO_NOT_CONTACT_ENTRIES('listed')}),
         ${CONSENT_CHANGED_EVENTS('entries')}
         SELECT count(*)::int AS added FROM listed`,
      [actorId, at],
    );
    return inserted.rows[0].added;
  }
}
