import { NextFunction, Request, RequestHandler, Response } from 'express';

/** Herald's own pages: scripts and styles only from Herald (no inline script), never framed. */
export const PAGE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The OpenAPI UI (/docs): the same, but Swagger UI's page carries its own inline stylesheet. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Every HTML page Herald serves — the console, the unsubscribe pages, the API docs — may carry
 * personal data or a form: never cached, never framed (CSP frame-ancestors and X-Frame-Options),
 * never sniffed into another type, and its Referer kept to Herald.
 */
export function pageHeaders(csp = PAGE_CSP): RequestHandler {
  return (_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Content-Security-Policy', csp);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Referrer-Policy', 'same-origin');
    next();
  };
}

/** One year, subdomains too: once a browser has seen Herald over HTTPS it never tries plain HTTP. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Strict-Transport-Security on every response when Herald is served over HTTPS: its public URL
 * is https (TLS ends at a proxy in front), or the request itself came over TLS.
 */
export function strictTransportSecurity(publicBaseUrl: string): RequestHandler {
  const https = publicBaseUrl.startsWith('https:');
  return (request: Request, response: Response, next: NextFunction) => {
    if (https || request.secure) response.setHeader('Strict-Transport-Security', HSTS);
    next();
  };
}
