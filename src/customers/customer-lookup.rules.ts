import { normalisePhone } from './phone-number.normalizer';

/** What a search box's text may be: each reading that fits is tried, and a customer matching any is found. */
export interface CustomerLookup {
  /** The text as typed (trimmed): an exact external reference. */
  externalRef: string;
  /** A mobile number, however written (spaces, dashes, brackets, with or without +86), in E.164. */
  phone?: string;
  /** Four digits: the card's last four. */
  cardLast4?: string;
  /** Part of the name (anything that is not a number). */
  name?: string;
}

/** Only what people put in a phone number: digits, spaces, dashes, dots, brackets, a leading +. */
const PHONE_LIKE = /^[\d\s().+-]+$/;

/**
 * The readings of one search box — phone, name, external reference or card's last four — as
 * people type them at a help desk. `13812345678`, `138 1234 5678`, `+86 138-1234-5678` and
 * `(+86) 138.1234.5678` are one number (read in `country` unless it starts with + or 00).
 * Four digits are a card's last four (or a reference). Text with letters is a reference or part
 * of a name. Undefined for an empty box.
 */
export function readCustomerLookup(raw: string, country = 'CN'): CustomerLookup | undefined {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  const lookup: CustomerLookup = { externalRef: text };
  const digits = text.replace(/\D/g, '');
  if (PHONE_LIKE.test(text)) {
    if (/^\d{4}$/.test(text)) lookup.cardLast4 = text;
    else if (digits.length >= 7) {
      // Only the digits count, and whether a country code leads them: `+86`, `(+86)` or `0086`.
      const written = /^\D*\+/.test(text) ? `+${digits}` : digits.startsWith('00') ? `+${digits.slice(2)}` : digits;
      const checked = normalisePhone(written, country);
      if ('e164' in checked) lookup.phone = checked.e164;
    }
  } else {
    lookup.name = text;
  }
  return lookup;
}
