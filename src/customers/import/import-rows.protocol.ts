import type { FieldProblem } from '../../common/domain-error';
import type { ConsentEvidence } from './customer-row.encoder';
import type { ImportFormat } from './import-file.format';
import type { Rejection } from './import-job.recorder';

/**
 * What the import's main thread and its rows thread (import-rows.worker.ts) say to each other.
 * The rows thread reads, validates and encodes; the main thread only streams the body in and
 * the COPY text out to PostgreSQL, so Node's work on one part of the file overlaps the
 * database's work on the part before.
 */

export interface RowsThreadOptions {
  format: ImportFormat;
  lanes: number;
  evidence: ConsentEvidence;
  withIds: boolean;
  /** Rows between parts: each part is one batch per lane, its refusals and the progress. */
  partRows: number;
  /** The first part's time (created_at, the consent entries' at); each later one comes with `go`. */
  stamp: string;
}

export type ToRowsThread =
  | { type: 'chunk'; chunk: Uint8Array | string }
  | { type: 'end' }
  /** The previous part is on its way to the database: build the next one, stamped so. */
  | { type: 'go'; stamp: string };

/** A Buffer crossing threads: its memory moved (transferred), not copied. */
export interface WireBuffer {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

export interface WireBatch {
  profiles: WireBuffer[];
  consent: WireBuffer[];
  rows: number;
  ids: string[];
}

export interface RowsPart {
  batches: WireBatch[];
  rejections: Rejection[];
  /** Rows read so far, refused ones included, and of those refused. */
  rowsDone: number;
  rejectedCount: number;
  bytesRead: number;
  last: boolean;
  /** On the last part: why the file could not be read past it (a DomainError's fields). */
  unreadable?: { code: string; message: string; status: number; details: FieldProblem[] };
}

export type FromRowsThread =
  { type: 'taken'; chunks: number } | ({ type: 'part' } & RowsPart) | { type: 'crashed'; message: string; stack?: string };
