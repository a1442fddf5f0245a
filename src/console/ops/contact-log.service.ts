import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { Clock } from '../../common/clock';
import { PG_INSTANT } from '../../common/pagination';
import { ValidationFailedError } from '../../common/domain-error';
import { ConsoleSession } from '../../auth/console-sessions';
import { discloseField } from '../../auth/personal-data.rules';
import { ContactChannel, ContactPurpose, TaskStatus } from '../../dispatch/contact-task.entity';
import { readCustomerLookup } from '../../customers/customer-lookup.rules';
import { spreadsheetSafe } from './contact-log.rules';
import { ContactLogCursor, ContactLogFilters, ContactLogRepository, ContactLogRow } from './contact-log.repository';
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
    private readonly log: ContactLogRepository,
    private readonly clock: Clock,
  ) {}

  async page(form: ContactLogForm, viewer: Viewer): Promise<{ items: ContactLogEntry[]; next?: string }> {
    const filters = await this.filters(form);
    const rows = await this.log.rows(filters, form.before ? decodeCursor(form.before) : undefined, form.limit + 1);
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
    const filters = await this.filters(form);
    const records = Readable.from(this.all(filters, viewer)).map((e: ContactLogEntry) => {
      const cells = { ...e, reasonCodes: e.reasons.map((r) => r.code).join(' ') };
      return CSV_COLUMNS.map((column) => spreadsheetSafe(cells[column]));
    });
    // The byte-order mark makes Excel read the file as UTF-8 (Chinese names, the why in zh-CN).
    return records.pipe(stringify({ header: true, bom: true, columns: CSV_COLUMNS as unknown as string[] }));
  }

  private async *all(filters: ContactLogFilters, viewer: Viewer): AsyncGenerator<ContactLogEntry> {
    let after: ContactLogCursor | undefined;
    for (;;) {
      const rows = await this.log.rows(filters, after, CSV_BATCH);
      const now = this.clock.now();
      for (const row of rows) yield entry(row, viewer, now);
      if (rows.length < CSV_BATCH) return;
      after = { at: rows[rows.length - 1].cursorAt, id: rows[rows.length - 1].id };
    }
  }

  /** The campaigns a filter can name, newest first. */
  campaigns(): Promise<{ id: string; name: string }[]> {
    return this.log.campaigns();
  }

  /** A customer's tasks, newest change first (their timeline's contacts). */
  async forCustomer(customerId: string, limit: number, viewer: Viewer): Promise<{ items: ContactLogEntry[]; total: number }> {
    const { rows, total } = await this.log.forCustomer(customerId, limit);
    const now = this.clock.now();
    return { items: rows.map((row) => entry(row, viewer, now)), total };
  }

  private async filters(form: ContactLogForm): Promise<ContactLogFilters> {
    const customerIds = form.customer ? await this.customerIds(form.customer) : undefined;
    const { from, to } = windowOf(form);
    return { customerIds, campaign: form.campaign, purpose: form.purpose, channel: form.channel, status: form.status, from, to };
  }

  /**
   * Ops know a customer by our id, the core system's reference, or the phone number they have
   * in front of them, written as people write it (`138 1234 5678`, `+86-138…`: readCustomerLookup).
   */
  private async customerIds(customer: string): Promise<string[]> {
    const phone = readCustomerLookup(customer)?.phone ?? null;
    const found = await this.log.customerIds(UUID.test(customer) ? { id: customer } : { ref: customer, phone });
    if (!found.length) {
      throw new ValidationFailedError([{ field: 'customer', reason: 'no customer has this id, reference or phone number' }]);
    }
    return found;
  }
}

/** Who reads the log: their language, and their role for what personal data they see (a list: masked). */
export type Viewer = Pick<ConsoleSession, 'locale' | 'role'>;

function entry(row: ContactLogRow, { locale, role }: Viewer, now: Date): ContactLogEntry {
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
function encodeCursor(row: ContactLogRow): string {
  return Buffer.from(`${row.cursorAt}|${row.id}`).toString('base64url');
}

function decodeCursor(value: string): ContactLogCursor {
  const [at, id] = Buffer.from(value, 'base64url').toString().split('|');
  if (!PG_INSTANT.test(at ?? '') || !UUID.test(id ?? '')) {
    throw new ValidationFailedError([{ field: 'before', reason: 'is not a page of this log' }]);
  }
  return { at, id };
}
