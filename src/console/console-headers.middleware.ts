import { pageHeaders } from '../common/page-headers';

/**
 * Console pages carry personal data and forms: never cached, never framed, scripts and styles
 * only from Herald itself (no inline script, so an injected tag cannot run). The same headers as
 * every HTML page Herald serves (src/common/page-headers.ts).
 */
export const consoleHeaders = pageHeaders();
