import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StepCondition } from '../../dispatch/contact-task.entity';
import { Clock } from '../../common/clock';
import { READ_DATABASE } from '../../database/database.module';
import { PG_INSTANT } from '../../common/pagination';
import { ValidationFailedError } from '../../common/domain-error';
import { ConsoleSession } from '../../auth/console-sessions';
import { discloseField } from '../../auth/personal-data.rules';
import { ContactChannel, ContactPurpose, TaskReason, TaskStatus } from '../../dispatch/contact-task.entity';
import { readCustomerLookup } from '../../customers/customer-lookup.rules';
import { spreadsheetSafe } from './contact-log.rules';
import { contactReasons, contactWhy, ReasonWords } from './contact-why.rules';
import { ContactLogForm, windowOf } from './ops-filters.form';

/** One row of the log as ops read it: masked, with its why in the viewer's language. */
export interface ContactLogEntry {
  id: string;
  updatedAt: Date;
  customerId: string;
  customerRef: string;
  customerName: string;
  phone: string | null;
  timezone: string;
  campaignId: string | null;
  campaignName: string | null;
  purpose: ContactPurpose;
  channel: ContactChannel;
  templateKey: string;
  step: number;
  status: TaskStatus;
  dueAt: Date;
  attemptStatus: string | null;
  attemptAt: Date | null;
  providerRef: string | null;
  why: string;
  /** Each reason the why speaks from: its code and its words, oldest first. */
  reasons: ReasonWords[];
}

/** What LOG_SELECT returns: an entry's fields before masking, and what its why is made of. */
type Row = Omit<ContactLogEntry, 'customerName' | 'why' | 'reasons'> & {
  cursorAt: string;
  fullName: string;
  reasons: TaskReason[];
  condition: StepCondition | null;
  attemptError: string | null;
};

/** The task, its customer and campaign, and the latest attempt it made (what was actually sent). */
export const LOG_SELECT = `
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CSV_BATCH = 1000;
const CSV_COLUMNS = [
  'updatedAt',
  'customerRef',
  'customerName',
  'phone',
  'timezone',
  'campaignName',
  'purpose',
  'channel',
  'templateKey',
  'step',
  'status',
  'dueAt',
  'attemptStatus',
  'attemptAt',
  'providerRef',
  'why',
  'reasonCodes',
] as const satisfies readonly (keyof ContactLogEntry | 'reasonCodes')[];

/**
 * The contact log: every contact Herald planned, filtered, newest first, each saying why it is
 * where it is. Pages by keyset (the updated_at and id of the last row), so page 1000 costs what
 * page 1 does; the CSV export walks the same keyset in batches and never holds the whole log.
 */
@Injectable()
export class ContactLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    /** The log's pages, its export and its filters' look-ups: reads that may lag (a replica if there is one). */
    @Inject(READ_DATABASE) private readonly reads: DataSource,
    private readonly clock: Clock,
  ) {}

  async page(form: ContactLogForm, viewer: Viewer): Promise<{ items: ContactLogEntry[]; next?: string }> {
    const where = await this.where(form);
    const rows = await this.fetch(where, form.before ? decodeCursor(form.before) : undefined, form.limit + 1);
    const items = rows.slice(0, form.limit);
    const now = this.clock.now();
    return {
      items: items.map((row) => entry(row, viewer, now)),
      next: rows.length > form.limit ? encodeCursor(items[items.length - 1]) : undefined,
    };
  }

  /**
   * The export: a header row, then every row the filters select, masked, read batch by batch as
   * the client takes them. The filters are checked before the first byte, so a wrong one is a page.
   * The last column holds the reasons' codes, space-separated, for a spreadsheet to filter on.
   */
  async csv(form: ContactLogForm, viewer: Viewer): Promise<Readable> {
    const where = await this.where(form);
    const records = Readable.from(this.all(where, viewer)).map((e: ContactLogEntry) => {
      const cells = { ...e, reasonCodes: e.reasons.map((r) => r.code).join(' ') };
      return CSV_COLUMNS.map((column) => spreadsheetSafe(cells[column]));
    });
    // The byte-order mark makes Excel read the file as UTF-8 (Chinese names, the why in zh-CN).
    return records.pipe(stringify({ header: true, bom: true, columns: CSV_COLUMNS as unknown as string[] }));
  }

  private async *all(where: { sql: string[]; params: unknown[] }, viewer: Viewer): AsyncGenerator<ContactLogEntry> {
    let after: Cursor | undefined;
    for (;;) {
      const rows = await this.fetch(where, after, CSV_BATCH);
      const now = this.clock.now();
      for (const row of rows) yield entry(row, viewer, now);
      if (rows.length < CSV_BATCH) return;
      after = { at: rows[rows.length - 1].cursorAt, id: rows[rows.length - 1].id };
    }
  }

  /** The campaigns a filter can name, newest first. */
  campaigns(): Promise<{ id: string; name: string }[]> {
    return this.reads.query(`SELECT id, name FROM campaigns ORDER BY created_at DESC LIMIT 200`);
  }

  /** A customer's tasks, newest change first (their timeline's contacts). */
  async forCustomer(customerId: string, limit: number, viewer: Viewer): Promise<{ items: ContactLogEntry[]; total: number }> {
    const [rows, [{ total }]] = await Promise.all([
      this.db.query(`${LOG_SELECT} WHERE t.customer_id = $1 ${ORDER} LIMIT $2`, [customerId, limit]),
      this.db.query(`SELECT count(*)::int AS total FROM contact_tasks WHERE customer_id = $1`, [customerId]),
    ]);
    const now = this.clock.now();
    return { items: rows.map((row: Row) => entry(row, viewer, now)), total };
  }

  private async where(form: ContactLogForm): Promise<{ sql: string[]; params: unknown[] }> {
    const sql: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      sql.push(clause(`$${params.length}`));
    };
    if (form.customer) add((p) => `t.customer_id = ANY (${p}::uuid[])`, await this.customerIds(form.customer));
    if (form.campaign) add((p) => `t.campaign_id = ${p}`, form.campaign);
    if (form.purpose) add((p) => `t.purpose = ${p}`, form.purpose);
    if (form.channel) add((p) => `t.channel = ${p}`, form.channel);
    if (form.status) add((p) => `t.status = ${p}`, form.status);
    const { from, to } = windowOf(form);
    if (from) add((p) => `t.updated_at >= ${p}`, from);
    if (to) add((p) => `t.updated_at < ${p}`, to);
    return { sql, params };
  }

  private fetch(where: { sql: string[]; params: unknown[] }, after: Cursor | undefined, limit: number): Promise<Row[]> {
    const sql = [...where.sql];
    const params = [...where.params];
    if (after) {
      params.push(after.at, after.id);
      const [at, id] = [`$${params.length - 1}::timestamptz`, `$${params.length}::uuid`];
      // The first conjunct lets the index range-scan; the second breaks ties of one instant.
      sql.push(`t.updated_at <= ${at} AND (t.updated_at < ${at} OR t.id > ${id})`);
    }
    params.push(limit);
    return this.reads.query(
      `${LOG_SELECT} ${sql.length ? `WHERE ${sql.join(' AND ')}` : ''} ${ORDER} LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Ops know a customer by our id, the core system's reference, or the phone number they have
   * in front of them, written as people write it (`138 1234 5678`, `+86-138…`: readCustomerLookup).
   */
  private async customerIds(customer: string): Promise<string[]> {
    const phone = readCustomerLookup(customer)?.phone ?? null;
    const found: { id: string }[] = await this.reads.query(
      UUID.test(customer)
        ? `SELECT id FROM customers WHERE id = $1`
        : `SELECT id FROM customers WHERE external_ref = $1 OR phone = $2`,
      UUID.test(customer) ? [customer] : [customer, phone],
    );
    if (!found.length) {
      throw new ValidationFailedError([{ field: 'customer', reason: 'no customer has this id, reference or phone number' }]);
    }
    return found.map((row) => row.id);
  }
}

interface Cursor {
  at: string;
  id: string;
}

/** Who reads the log: their language, and their role for what personal data they see (a list: masked). */
export type Viewer = Pick<ConsoleSession, 'locale' | 'role'>;

function entry(row: Row, { locale, role }: Viewer, now: Date): ContactLogEntry {
  const attempt = row.attemptStatus ? { status: row.attemptStatus, at: row.attemptAt!, errorCode: row.attemptError } : null;
  return {
    id: row.id,
    updatedAt: row.updatedAt,
    customerId: row.customerId,
    customerRef: row.customerRef,
    customerName: discloseField('customer', 'fullName', 'list', role, row.fullName),
    phone: discloseField('customer', 'phone', 'list', role, row.phone),
    timezone: row.timezone,
    campaignId: row.campaignId,
    campaignName: row.campaignName,
    purpose: row.purpose,
    channel: row.channel,
    templateKey: row.templateKey,
    step: row.step,
    status: row.status,
    dueAt: row.dueAt,
    attemptStatus: row.attemptStatus,
    attemptAt: row.attemptAt,
    providerRef: row.providerRef,
    why: contactWhy({ ...row, attempt }, row.timezone, locale, now),
    reasons: contactReasons({ ...row, attempt }, row.timezone, locale, now),
  };
}

/** The cursor keeps PostgreSQL's microseconds: a JavaScript Date would lose ties between rows. */
function encodeCursor(row: Row): string {
  return Buffer.from(`${row.cursorAt}|${row.id}`).toString('base64url');
}

function decodeCursor(value: string): Cursor {
  const [at, id] = Buffer.from(value, 'base64url').toString().split('|');
  if (!PG_INSTANT.test(at ?? '') || !UUID.test(id ?? '')) {
    throw new ValidationFailedError([{ field: 'before', reason: 'is not a page of this log' }]);
  }
  return { at, id };
}
