/**
 * A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1…`, `@SUM…`) gets a leading
 * apostrophe: the export is opened in Excel by people, and a customer's name or a provider's
 * message must never become a formula there (OWASP "CSV injection").
 */
export function spreadsheetSafe(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
