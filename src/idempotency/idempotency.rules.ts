import { createHash } from 'node:crypto';
import { FieldProblem } from '../common/domain-error';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** How long a key remembers its first answer. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The largest file an idempotent upload (a do-not-contact list, a customer import) takes with a
 * key: the file is read into memory to be compared with the first one before anything acts.
 * Larger files go without a key (the import then streams) or in parts.
 */
export const IDEMPOTENT_FILE_MAX_BYTES = 32 * 1024 * 1024;

/** Route metadata: the body is a file upload (`@Idempotent({ file: true })`). */
export const IDEMPOTENT_FILE = 'herald:idempotent-file';

/** Visible ASCII, 1–255 characters: a UUID, a ULID, or the caller's own reference. */
const KEY_FORMAT = /^[!-~]{1,255}$/;

/** Why a header value cannot be a key; undefined when it can. */
export function keyProblem(value: string | string[]): FieldProblem | undefined {
  if (Array.isArray(value)) return { field: IDEMPOTENCY_HEADER, reason: 'is sent more than once' };
  if (!KEY_FORMAT.test(value)) return { field: IDEMPOTENCY_HEADER, reason: 'must be 1 to 255 visible ASCII characters' };
  return undefined;
}

/** JSON with every object's keys sorted: two bodies that mean the same have one text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same": the method, the path with its query, and the body's meaning. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  const hash = createHash('sha256').update(`${method.toUpperCase()} ${url}\n`);
  // A file's bytes as they are (a JSON body is never a Buffer: the parser makes objects).
  return (Buffer.isBuffer(body) ? hash.update(body) : hash.update(canonicalJson(body))).digest('hex');
}

export interface RememberedRequest {
  requestHash: string;
  state: 'running' | 'done';
  responseStatus: number | null;
  responseBody: unknown;
}

export type SecondSight =
  /** The first request answered: send its answer again, act not. */
  | { kind: 'replay'; status: number; body: unknown }
  /** The key was used for another request: refuse (422). */
  | { kind: 'mismatch' }
  /** The first request is still acting (or was cut off by a crash before it could answer): refuse (409). */
  | { kind: 'in_progress' };

/** What a request does with a key some earlier request took. */
export function secondSight(first: RememberedRequest, requestHash: string): SecondSight {
  if (first.requestHash !== requestHash) return { kind: 'mismatch' };
  if (first.state === 'running') return { kind: 'in_progress' };
  return { kind: 'replay', status: first.responseStatus!, body: first.responseBody };
}
