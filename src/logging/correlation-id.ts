import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';

const CORRELATION_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request's correlation id — the caller's `X-Request-Id` if it is a sane one, else a new
 * UUID — set on the request and sent back as `X-Correlation-Id`. Once per request: the logger
 * asks first; an error raised before the logger ran (the body parser's 413) asks here too.
 */
export function correlationIdOf(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string' && req.id) return req.id;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader('X-Correlation-Id', id);
  return id;
}
