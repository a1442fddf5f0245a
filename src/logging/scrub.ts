/**
 * Logs never carry a customer's phone, e-mail, name or card number in clear. Keys that name
 * personal data are masked whole; any string is searched for the shapes of the rest, so a phone
 * number inside an error message or a URL is caught too.
 */
const PERSONAL_KEYS =
  /^(phone|mobile|to|from|email|e-?mail|address|name|full_?name|fullName|display_?name|card_?number|pan|body|text|password|authorization|cookie)$/i;

/** Query parameters whose values are searches for a person: whatever the value, it is not logged. */
const SEARCH_PARAMETERS =
  /([?&](?:name|full_?name|fullName|phone|mobile|email|q|query|search|value|customer|customerRef|externalRef|external_ref|username|tag|from|to|body)=)[^&#\s]*/gi;

const PATTERNS: [RegExp, string][] = [
  [SEARCH_PARAMETERS, '$1[redacted]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
  // Phone numbers: E.164 (also URL-encoded), or a mainland mobile written without the country code.
  [/(?:\+|%2B)\d[\d\s-]{6,16}\d/gi, '[phone]'],
  [/(?<!\d)1[3-9]\d{9}(?!\d)/g, '[phone]'],
  // Card numbers: 13–19 digits, optionally grouped by spaces or dashes (not a UUID's digits).
  [/(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g, '[card]'],
  // (After cards, which are longer.) National formats: (415) 555-0100, 415-555-0100, 415.555.0100, 0755-12345678, 021 6123 4567,
  // 138 1234 5678. Groups of digits apart, never inside a longer token (a UUID, a date, a version).
  [/(?<![\w.:/-])(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}(?:[\s.-]?\d{4})(?![\w:/-]|\.\d)/g, '[phone]'],
];

export function scrubText(text: string): string {
  return PATTERNS.reduce((out, [pattern, mask]) => out.replace(pattern, mask), text);
}

export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message), stack: value.stack && scrubText(value.stack) };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      PERSONAL_KEYS.test(key) && item != null && item !== '' ? '[redacted]' : scrub(item, depth + 1),
    ]),
  );
}
