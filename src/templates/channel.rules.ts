import { Locale } from '../customers/customer.entity';
import { DomainError } from '../common/domain-error';

/** Rule pack limit for fraud alerts (FCC 15-72, see RULEBOOK.md): one short SMS, counted in characters. */
export const FRAUD_SMS_MAX_CHARACTERS = 160;

/** Every marketing SMS ends with how to refuse more (MIIT Order 31; RULEBOOK.md). */
export const OPT_OUT_LINES: Record<Locale, string> = { 'zh-CN': '回复TD退订', en: 'Reply STOP to opt out' };

/**
 * A marketing SMS as it is sent: the body, the brand signature and the opt-out line. In Chinese
 * the signature is the bracketed sender name (【…】); in English a line of its own. Only GSM-7
 * characters are added to English text, so the suffix never forces UCS-2 on its own.
 */
export function withMarketingSuffix(body: string, locale: Locale, brand: string): string {
  return locale === 'zh-CN' ? `${body}【${brand}】${OPT_OUT_LINES[locale]}` : `${body}\n${brand}\n${OPT_OUT_LINES[locale]}`;
}

/** RFC 8058 one-click unsubscribe: the HTTPS (or, locally, HTTP) URL first, a mailto when the deployment has one. */
export function listUnsubscribeHeaders(url: string, mailto?: string): Record<string, string> {
  const targets = [`<${url}>`, ...(mailto ? [`<mailto:${mailto}?subject=unsubscribe>`] : [])];
  return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/**
 * URLs Herald hands to customers or providers must lead back to Herald: under PUBLIC_BASE_URL
 * (same origin, same path prefix), or a one-click unsubscribe or a gathered digit goes nowhere.
 */
export function assertOwnUrl(field: string, url: string, publicBaseUrl: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw urlError(field, 'must be an absolute URL');
  }
  const base = new URL(publicBaseUrl);
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  if (parsed.origin !== base.origin || !parsed.pathname.startsWith(prefix)) {
    throw urlError(field, `must be under PUBLIC_BASE_URL (${publicBaseUrl})`);
  }
}

function urlError(field: string, reason: string): DomainError {
  return new DomainError('TEMPLATE_URL_INVALID', `${field} ${reason}`, 422, [{ field, reason }]);
}
