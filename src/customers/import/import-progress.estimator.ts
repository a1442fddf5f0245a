import { FieldProblem } from '../../common/domain-error';
import { CustomerImport, ImportMode, ImportStatus, RowsTotalBasis } from './customer-import.entity';
import { ImportFormat } from './import-file.format';

/** An import as callers see it: counts, and rate and time left worked out for the instant asked. */
export interface ImportView {
  id: string;
  format: ImportFormat;
  mode: ImportMode;
  status: ImportStatus;
  rowsDone: number;
  rowsTotal: number | null;
  rowsTotalBasis: RowsTotalBasis;
  rowsInserted: number;
  rowsUpdated: number;
  rejectedCount: number;
  bytesDone: number;
  bytesTotal: number | null;
  percent: number | null;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: { code: string; message: string; details: FieldProblem[] } | null;
}

export function describeImport(job: CustomerImport, now: Date): ImportView {
  const end = job.finishedAt ?? now;
  const seconds = job.startedAt ? (end.getTime() - job.startedAt.getTime()) / 1000 : 0;
  const rate = seconds > 0 && job.rowsDone > 0 ? job.rowsDone / seconds : null;
  const total = job.rowsTotal;
  const remaining = total === null ? null : Math.max(0, total - job.rowsDone);
  return {
    id: job.id,
    format: job.format,
    mode: job.mode,
    status: job.status,
    rowsDone: job.rowsDone,
    rowsTotal: total,
    rowsTotalBasis: job.rowsTotalBasis,
    rowsInserted: job.rowsInserted,
    rowsUpdated: job.rowsUpdated,
    rejectedCount: job.rejectedCount,
    bytesDone: job.bytesDone,
    bytesTotal: job.bytesTotal,
    percent: total ? Math.min(100, Math.round((job.rowsDone / total) * 1000) / 10) : total === 0 ? 100 : null,
    rowsPerSecond: rate === null ? null : Math.round(rate),
    etaSeconds: job.status === 'running' && rate && remaining !== null ? Math.ceil(remaining / rate) : null,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '', details: job.errorDetails } : null,
  };
}

/**
 * The total to show progress against while rows are still arriving. A declared total is the
 * caller's word; without one, the rows read so far are scaled by the share of the body's
 * Content-Length read, which is honest for files with rows of similar size and is labelled
 * as an estimate. A chunked body without either leaves the total unknown.
 */
export function estimateRowsTotal(
  progress: { rowsDone: number; bytesDone: number },
  declared: number | undefined,
  bytesTotal: number | undefined,
): { rowsTotal: number | null; rowsTotalBasis: RowsTotalBasis } {
  if (declared !== undefined) return { rowsTotal: declared, rowsTotalBasis: 'declared' };
  if (bytesTotal !== undefined && progress.bytesDone > 0 && progress.rowsDone > 0) {
    return {
      rowsTotal: Math.max(progress.rowsDone, Math.round((progress.rowsDone * bytesTotal) / progress.bytesDone)),
      rowsTotalBasis: 'estimated',
    };
  }
  return { rowsTotal: null, rowsTotalBasis: bytesTotal !== undefined ? 'estimated' : 'unknown' };
}
