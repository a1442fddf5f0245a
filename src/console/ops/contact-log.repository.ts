import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DATABASE } from '../../database/database.module';
import { sql } from '../../database/sql';
import { ContactChannel, ContactPurpose, StepCondition, TaskReason, TaskStatus } from '../../dispatch/contact-task.entity';

/** A task of the log as read: before masking, with what its why is made of. */
export interface ContactLogRow {
  id: string;
  updatedAt: Date;
  /** updated_at as PostgreSQL writes it, microseconds kept: the keyset's cursor. */
  cursorAt: string;
  customerId: string;
  customerRef: string;
  fullName: string;
  phone: string | null;
  timezone: string;
  campaignId: string | null;
  campaignName: string | null;
  purpose: ContactPurpose;
  channel: ContactChannel;
  templateKey: string;
  step: number;
  status: TaskStatus;
  reasons: TaskReason[];
  dueAt: Date;
  condition: StepCondition | null;
  attemptStatus: string | null;
  attemptAt: Date | null;
  attemptError: string | null;
  providerRef: string | null;
}

/** What the log is filtered by; each present one narrows it. */
export interface ContactLogFilters {
  customerIds?: string[];
  campaign?: string;
  purpose?: string;
  channel?: string;
  status?: string;
  from?: Date;
  to?: Date;
}

/** A position in the log: the last row's updated_at (as PostgreSQL wrote it) and id. */
export interface ContactLogCursor {
  at: string;
  id: string;
}

/** The task, its customer and campaign, and the latest attempt it made (what was actually sent). */
const LOG_SELECT = `
  SELECT t.id, t.updated_at AS "updatedAt", t.updated_at::text AS "cursorAt", t.customer_id AS "customerId",
         c.external_ref AS "customerRef", c.full_name AS "fullName", c.phone, c.timezone,
         t.campaign_id AS "campaignId", cp.name AS "campaignName", t.purpose, t.channel, t.template_key AS "templateKey",
         t.step, t.status, t.reasons, t.due_at AS "dueAt", t.condition,
         a.status AS "attemptStatus", a.updated_at AS "attemptAt", a.error_code AS "attemptError", a.provider_ref AS "providerRef"
    FROM contact_tasks t
    JOIN customers c ON c.id = t.customer_id
    LEFT JOIN campaigns cp ON cp.id = t.campaign_id
    LEFT JOIN LATERAL (
      SELECT status, updated_at, error_code, provider_ref FROM contact_attempts
       WHERE task_id = t.id ORDER BY attempted_at DESC LIMIT 1) a ON true`;

/** Newest change first; matches contact_tasks_updated_idx (updated_at DESC, id) and the filter indexes. */
const ORDER = `ORDER BY t.updated_at DESC, t.id`;

/**
 * The contact log's reads. Its pages, export and look-ups read from `reads` (a replica if there
 * is one: they may lag); a customer's own contacts, shown beside what was just done, from the primary.
 */
@Injectable()
export class ContactLogRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(READ_DATABASE) private readonly reads: DataSource,
  ) {}

  /** Up to `limit` rows the filters select, newest change first, after the cursor when given (keyset). */
  rows(filters: ContactLogFilters, after: ContactLogCursor | undefined, limit: number): Promise<ContactLogRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filters.customerIds) add((p) => `t.customer_id = ANY (${p}::uuid[])`, filters.customerIds);
    if (filters.campaign) add((p) => `t.campaign_id = ${p}`, filters.campaign);
    if (filters.purpose) add((p) => `t.purpose = ${p}`, filters.purpose);
    if (filters.channel) add((p) => `t.channel = ${p}`, filters.channel);
    if (filters.status) add((p) => `t.status = ${p}`, filters.status);
    if (filters.from) add((p) => `t.updated_at >= ${p}`, filters.from);
    if (filters.to) add((p) => `t.updated_at < ${p}`, filters.to);
    if (after) {
      params.push(after.at, after.id);
      const [at, id] = [`$${params.length - 1}::timestamptz`, `$${params.length}::uuid`];
      // The first conjunct lets the index range-scan; the second breaks ties of one instant.
      where.push(`t.updated_at <= ${at} AND (t.updated_at < ${at} OR t.id > ${id})`);
    }
    params.push(limit);
    return sql<ContactLogRow>(
      this.reads,
      `${LOG_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${ORDER} LIMIT $${params.length}`,
      params,
    );
  }

  /** A customer's newest `limit` tasks, and how many they have. */
  async forCustomer(customerId: string, limit: number): Promise<{ rows: ContactLogRow[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      sql<ContactLogRow>(this.db, `${LOG_SELECT} WHERE t.customer_id = $1 ${ORDER} LIMIT $2`, [customerId, limit]),
      sql<{ total: number }>(this.db, `SELECT count(*)::int AS total FROM contact_tasks WHERE customer_id = $1`, [customerId]),
    ]);
    return { rows, total };
  }

  /** The campaigns a filter can name, newest first. */
  campaigns(): Promise<{ id: string; name: string }[]> {
    return sql<{ id: string; name: string }>(this.reads, `SELECT id, name FROM campaigns ORDER BY created_at DESC LIMIT 200`);
  }

  /** The customers with this id, or else this reference or phone number. */
  async customerIds(lookup: { id: string } | { ref: string; phone: string | null }): Promise<string[]> {
    const found = await sql<{ id: string }>(
      this.reads,
      'id' in lookup
        ? `SELECT id FROM customers WHERE id = $1`
        : `SELECT id FROM customers WHERE external_ref = $1 OR phone = $2`,
      'id' in lookup ? [lookup.id] : [lookup.ref, lookup.phone],
    );
    return found.map((row) => row.id);
  }
}
