import type { HelperOptions } from 'handlebars';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { Locale } from '../customers/customer.entity';
import { DomainError } from '../common/domain-error';
import { FieldKind } from './template-fields.catalogue';

/** What every render hands its helpers besides the fields: the template's locale, the customer's zone. */
export interface RenderData {
  locale: Locale;
  zone: string;
}

const DATE_STYLES = {
  date: { year: 'numeric', month: 'short', day: 'numeric' },
  shortDate: { month: 'short', day: 'numeric' },
  time: { hour: 'numeric', minute: '2-digit' },
  datetime: { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type DateStyle = keyof typeof DATE_STYLES;

// Formatters are costly to build and cheap to use: one per zone, locale and style (or locale and
// currency), found through nested maps so a render builds no cache key.
const dateFormats = new Map<string, Map<string, Partial<Record<DateStyle, Intl.DateTimeFormat>>>>();
const moneyFormats = new Map<string, Map<string, { format: Intl.NumberFormat; scale: number }>>();

/** ICU puts no-break spaces in some formats; plain spaces keep an English SMS in GSM-7. */
const NO_BREAK_SPACES = /[\u00a0\u202f]/g;

/** `123450` minor units of CNY in zh-CN → `¥1,234.50`; of USD in en → `$1,234.50`. */
export function formatMoney(minorUnits: number, currency: string, locale: Locale): string {
  let byCurrency = moneyFormats.get(locale);
  if (!byCurrency) moneyFormats.set(locale, (byCurrency = new Map()));
  let money = byCurrency.get(currency);
  if (!money) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    money = { format, scale: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) };
    byCurrency.set(currency, money);
  }
  return money.format.format(minorUnits / money.scale).replace(NO_BREAK_SPACES, ' ');
}

/**
 * A calendar date (`YYYY-MM-DD`, already the customer's own day) is shown as it is; an instant is
 * shown as the day and time it was in the customer's time zone.
 */
export function formatDate(value: string | Date, style: DateStyle, locale: Locale, zone: string): string {
  const calendarDate = typeof value === 'string' && value.length === 10;
  const instant = calendarDate ? new Date(`${value}T00:00:00Z`) : value instanceof Date ? value : new Date(value);
  return dateFormat(locale, calendarDate ? 'UTC' : zone, style)
    .format(instant)
    .replace(NO_BREAK_SPACES, ' ');
}

function dateFormat(locale: Locale, zone: string, style: DateStyle): Intl.DateTimeFormat {
  let byLocale = dateFormats.get(zone);
  if (!byLocale) dateFormats.set(zone, (byLocale = new Map()));
  let styles = byLocale.get(locale);
  if (!styles) byLocale.set(locale, (styles = {}));
  let format = styles[style];
  if (!format) {
    try {
      // Chinese writes times on a 24-hour clock with two-digit hours (07:30); English as 7:30 AM.
      const hour = locale === 'zh-CN' && 'hour' in DATE_STYLES[style] ? { hour: '2-digit' as const } : {};
      format = new Intl.DateTimeFormat(locale, { ...DATE_STYLES[style], ...hour, timeZone: zone });
    } catch {
      throw new DomainError('TEMPLATE_VARIABLE_INVALID', `"${zone}" is not an IANA time zone`, 422, [
        { field: 'customer.timezone', reason: 'must be an IANA time zone' },
      ]);
    }
    styles[style] = format;
  }
  return format;
}

/** `4821` → `**** 4821`: the only way a card number appears in anything Herald says. */
export function maskCard(last4: string): string {
  return `**** ${last4.slice(-4)}`;
}

/** `+8613812345678` → `+86 138****5678`: enough for the customer to recognise, useless to anyone else. */
export function maskPhone(e164: string): string {
  const phone = parsePhoneNumberFromString(e164);
  if (!phone) return `${'*'.repeat(Math.max(e164.length - 4, 0))}${e164.slice(-4)}`;
  const national = phone.nationalNumber;
  const head = national.length >= 10 ? national.slice(0, 3) : '';
  const tail = national.slice(-4);
  return `+${phone.countryCallingCode} ${head}${'*'.repeat(Math.max(national.length - head.length - tail.length, 0))}${tail}`;
}

/** `4821` → `4 8 2 1`: text-to-speech reads digits one by one instead of as a number. */
export function spellDigits(text: string): string {
  return [...text].join(' ');
}

/** Long merchant or product names would push an SMS into another segment (or past the fraud limit). */
export function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, Math.max(max - 3, 1)).join('')}...`;
}

/** Each helper's parameters, by the kinds of field (or literal) it accepts; the validator checks uses against them. */
export const HELPER_PARAMS: Record<string, (FieldKind | 'number-literal')[][]> = {
  money: [['money'], ['currency']],
  date: [['date', 'instant']],
  shortDate: [['date', 'instant']],
  time: [['instant']],
  datetime: [['instant']],
  maskCard: [['string']],
  maskPhone: [['string']],
  spellDigits: [['string']],
  truncate: [['string'], ['number-literal']],
};

type Helper = (...args: unknown[]) => string;
const data = (options: HelperOptions) => options.data as RenderData;

/** The helpers, bound to a render's data (locale, zone) through Handlebars' `@data`. */
export const TEMPLATE_HELPERS: Record<keyof typeof HELPER_PARAMS, Helper> = {
  money: (amount, currency, options) => formatMoney(amount as number, currency as string, data(options as HelperOptions).locale),
  date: (value, options) => dateHelper(value, 'date', options as HelperOptions),
  shortDate: (value, options) => dateHelper(value, 'shortDate', options as HelperOptions),
  time: (value, options) => dateHelper(value, 'time', options as HelperOptions),
  datetime: (value, options) => dateHelper(value, 'datetime', options as HelperOptions),
  maskCard: (last4) => maskCard(String(last4)),
  maskPhone: (phone) => maskPhone(String(phone)),
  spellDigits: (text) => spellDigits(String(text)),
  truncate: (text, max) => truncate(String(text), max as number),
};

function dateHelper(value: unknown, style: DateStyle, options: HelperOptions): string {
  const { locale, zone } = data(options);
  return formatDate(value as string | Date, style, locale, zone);
}
