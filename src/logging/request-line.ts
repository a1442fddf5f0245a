import { IncomingMessage } from 'node:http';

/**
 * Query parameters whose values a log line may carry in clear: paging, enumerations, times and
 * ids. Every other value — a search term, a name, a phone number as someone typed it — is logged
 * as `[redacted]`, whatever it looks like.
 */
const PLAIN_PARAMETERS = new Set([
  'limit',
  'offset',
  'before',
  'status',
  'channel',
  'purpose',
  'kind',
  'direction',
  'mode',
  'cardStatus',
  'riskLevel',
  'lang',
  'zone',
  'from',
  'to',
  'done',
  'empty',
  'expired',
  'expectedRows',
  'fraudCritical',
  'attempt',
  'attemptId',
  'actorId',
  'campaign',
  'code',
]);
/** Even a plain parameter's value is redacted unless it looks like one (a number, a code, an instant, an id). */
const PLAIN_VALUE = /^[A-Za-z0-9_.:+-]{0,64}$/;

export const REDACTED = '[redacted]';

/** The query as a log line may show it: every parameter named, only plain ones' values in clear. */
export function loggedQuery(query: unknown): Record<string, string | string[]> | undefined {
  if (!query || typeof query !== 'object') return undefined;
  const entries = Object.entries(query as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  const shown = (key: string, value: unknown) =>
    PLAIN_PARAMETERS.has(key) && typeof value === 'string' && PLAIN_VALUE.test(value) ? value : REDACTED;
  return Object.fromEntries(
    entries.map(([key, value]) => [
      PLAIN_VALUE.test(key) ? key : REDACTED,
      Array.isArray(value) ? value.map((v) => shown(key, v)) : shown(key, value),
    ]),
  );
}

/** The route's template (`/customers/:id`), never the path itself; `unmatched` where no route (only the catch-all) answered. */
export function routeOf(req: IncomingMessage & { route?: { path?: unknown }; baseUrl?: string }): string {
  const path = req.route?.path;
  return typeof path === 'string' && path !== '/{*path}' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}

/** A request as its log line shows it: method, route template, scrubbed query. */
export interface RequestLine {
  method: string | undefined;
  route: string;
  query?: Record<string, string | string[]>;
}

export function describeRequest(req: IncomingMessage & { query?: unknown }): RequestLine {
  const query = loggedQuery(req.query);
  return { method: req.method, route: routeOf(req), ...(query ? { query } : {}) };
}
