import { CONSENT_CHANNELS, CustomerRow } from '../customer-row.validator';
import { CUSTOMER_IMPORT_COLUMNS } from './customer-batch.writer';

/**
 * The import file format, written out: what the generator's book looks like as a file the
 * import reads. Columns are the customers table's own names; see docs/customers.md.
 */

export type ImportFormat = 'csv' | 'ndjson';

export const IMPORT_FILE_COLUMNS: readonly string[] = [
  ...CUSTOMER_IMPORT_COLUMNS,
  ...CONSENT_CHANNELS.map((c) => `consent_${c}`),
];

/** A row's values by column, as the CSV format spells them (tags `a|b`, attributes as JSON). */
export function toImportRecord(row: CustomerRow): Record<string, string | number | string[] | object | null> {
  return {
    external_ref: row.externalRef,
    full_name: row.fullName,
    phone: row.phone,
    email: row.email,
    locale: row.locale,
    timezone: row.timezone,
    country: row.country,
    city: row.city,
    card_last4: row.cardLast4,
    card_status: row.cardStatus,
    currency: row.currency,
    credit_limit: row.creditLimit,
    statement_balance: row.statementBalance,
    minimum_due: row.minimumDue,
    paid_this_cycle: row.paidThisCycle,
    statement_date: row.statementDate,
    due_date: row.dueDate,
    days_past_due: row.daysPastDue,
    risk_level: row.riskLevel,
    credit_score: row.creditScore,
    card_issued_on: row.cardIssuedOn,
    last_card_activity_at: row.lastCardActivityAt?.toISOString() ?? null,
    tags: row.tags,
    attributes: row.attributes,
    consent_sms: row.consent.sms ?? null,
    consent_email: row.consent.email ?? null,
    consent_call: row.consent.call ?? null,
  };
}

export const csvHeader = (): string => `${IMPORT_FILE_COLUMNS.join(',')}\n`;

export function toCsvLine(row: CustomerRow): string {
  const record = toImportRecord(row);
  return `${IMPORT_FILE_COLUMNS.map((column) => csvField(record[column])).join(',')}\n`;
}

export function toNdjsonLine(row: CustomerRow): string {
  const record = toImportRecord(row);
  return `${JSON.stringify(Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null)))}\n`;
}

function csvField(value: string | number | string[] | object | null): string {
  if (value === null) return '';
  const text = Array.isArray(value) ? value.join('|') : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
