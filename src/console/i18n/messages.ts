import { Locale } from '../../customers/customer.entity';

export type Messages = Record<string, string>;

/** A page family's UI text: the Chinese must have every key the English has (the compiler checks). */
export function messages<const E extends Messages>(en: E, zh: Record<keyof E, string>): Record<Locale, Messages> {
  return { en, 'zh-CN': zh };
}

/** `{name}` placeholders filled from params; a missing key shows itself, so gaps are visible, not blank. */
export function translate(
  catalogue: Record<Locale, Messages>,
  locale: Locale,
  key: string,
  params: Record<string, unknown> = {},
) {
  const text = catalogue[locale][key] ?? catalogue.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
}

/** The languages the console speaks, best match first from Accept-Language (zh, zh-CN, zh-Hans → zh-CN). */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
