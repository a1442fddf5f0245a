import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AlertEvaluator } from '../../alerts/alert-evaluator.service';
import { Clock } from '../../common/clock';
import { sqlOfClient } from '../../database/sql';
import { DomainError, FieldProblem } from '../../common/domain-error';
import { CustomerRow, validateCustomerRow } from '../customer-row.validator';
import { BatchResult, CustomerBatchWriter } from './customer-batch.writer';
import { CustomerImport } from './customer-import.entity';
import { ImportFileReader, ImportRecord } from './import-file.reader';
import { ImportJobRecorder, Rejection } from './import-job.recorder';
import { estimateRowsTotal } from './import-progress.estimator';

/** Rows read between checkpoints: one batch per connection written, refusals stored, progress updated. */
const CHECKPOINT_ROWS = 10_000;
/** Connections a partial import writes on at once, so PostgreSQL works on more than one core. */
const PARTIAL_IMPORT_LANES = 2;

export interface ImportSource {
  body: AsyncIterable<Buffer | string>;
  /** The body's Content-Length, when the caller sent one. */
  bytesTotal?: number;
  /** The number of rows the caller says the file has. */
  expectedRows?: number;
}

/**
 * Runs one import: reads the body as it arrives, validates each row with the shared rules and
 * writes valid rows in batches. Partial: every batch commits on its own, and a file that breaks
 * off keeps what came before. All-or-nothing: one transaction, rolled back if any row is refused
 * (the refusals are still reported, so the caller can fix the file).
 */
@Injectable()
export class CustomerImportRunner {
  private readonly logger = new Logger('CustomerImport');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly recorder: ImportJobRecorder,
    private readonly alerts: AlertEvaluator,
  ) {}

  async run(job: CustomerImport, source: ImportSource): Promise<void> {
    const allOrNothing = job.mode === 'all_or_nothing';
    const reader = new ImportFileReader(job.format);
    const valueSource = job.format === 'csv' ? 'text' : 'json';
    let writer: CustomerBatchWriter | undefined;
    let checkpoints: Checkpoints | undefined;
    try {
      await this.recorder.running(job.id);
      writer = await CustomerBatchWriter.open(this.db, {
        lanes: allOrNothing ? 1 : PARTIAL_IMPORT_LANES,
        singleTransaction: allOrNothing,
        evidence: { importId: job.id },
        clock: this.clock,
        // Set-based: at most one statement per alert rule per batch, in the batch's transaction.
        afterBatch: async (client, written) => {
          await this.alerts.onImport(written, sqlOfClient(client));
        },
      });
      checkpoints = new Checkpoints(job.id, source, reader, writer, this.recorder, allOrNothing);
      let unreadable: DomainError | undefined;
      try {
        for await (const records of reader.read(source.body)) {
          for (const record of records) {
            const checked = record.problems.length
              ? record
              : validateCustomerRow(record.values, { source: valueSource, byColumn: true });
            if ('value' in checked) checkpoints.accept(checked.value, record.row);
            else checkpoints.refuse(record, checked.problems);
            if (checkpoints.due) await checkpoints.next();
          }
        }
      } catch (error) {
        // The file cannot be read past this point; a partial import still keeps the good rows before it.
        if (!(error instanceof DomainError) || allOrNothing) throw error;
        unreadable = error;
      }
      await checkpoints.next();
      await checkpoints.settled();
      if (unreadable) throw unreadable;

      const { rejectedCount, rowsDone } = checkpoints.counts;
      if (allOrNothing && rejectedCount > 0) {
        await writer.abandon();
        const refused = new DomainError('IMPORT_ROWS_REJECTED', `${rejectedCount} rows were refused, so none was imported`);
        await this.recorder.finished(job.id, 'failed', { rowsInserted: 0, rowsUpdated: 0 }, refused);
      } else {
        await writer.commit();
        await this.recorder.finished(job.id, 'succeeded', { rowsTotal: rowsDone, rowsTotalBasis: 'counted' });
      }
    } catch (error) {
      await checkpoints?.settled().catch(() => undefined);
      await writer?.abandon();
      const undone = allOrNothing ? { rowsInserted: 0, rowsUpdated: 0 } : {};
      await this.recorder.finished(job.id, 'failed', undone, this.describeFailure(error));
    }
  }

  private describeFailure(error: unknown): DomainError {
    if (error instanceof DomainError) return error;
    const code = (error as { code?: string }).code;
    if (code === 'ECONNRESET' || (error as Error).message === 'aborted') {
      return new DomainError('IMPORT_ABORTED', 'the upload stopped before the end of the file');
    }
    // Database messages may quote row values, so only the error's code and constraint are logged.
    this.logger.error({ code, constraint: (error as { constraint?: string }).constraint }, 'customer import failed');
    return new DomainError('IMPORT_FAILED', 'the import stopped on an internal error');
  }
}

interface Counts {
  rowsDone: number;
  rowsInserted: number;
  rowsUpdated: number;
  rejectedCount: number;
}

/**
 * An import's rows between checkpoints, and the checkpoint in flight. While the database writes
 * one batch the next is read and validated; a checkpoint starts only when the previous one is
 * done, so memory holds two batches whatever the file's size.
 */
class Checkpoints {
  readonly counts: Counts = { rowsDone: 0, rowsInserted: 0, rowsUpdated: 0, rejectedCount: 0 };
  private rejections: Rejection[] = [];
  private sinceLast = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly importId: string,
    private readonly source: ImportSource,
    private readonly reader: ImportFileReader,
    private readonly writer: CustomerBatchWriter,
    private readonly recorder: ImportJobRecorder,
    private readonly allOrNothing: boolean,
  ) {}

  accept(row: CustomerRow, rowNumber: number): void {
    this.counts.rowsDone++;
    this.sinceLast++;
    this.writer.add(row, rowNumber);
  }

  refuse(record: ImportRecord, problems: FieldProblem[]): void {
    this.counts.rowsDone++;
    this.sinceLast++;
    this.counts.rejectedCount++;
    const ref = record.values.externalRef;
    const externalRef = typeof ref === 'string' && ref.trim() ? ref.trim().slice(0, 64) : null;
    for (const problem of problems)
      this.rejections.push({ row: record.row, field: problem.field, reason: problem.reason, externalRef });
  }

  get due(): boolean {
    return this.sinceLast >= CHECKPOINT_ROWS;
  }

  /** Hands what was read since the last checkpoint to the database, once that one is done. */
  async next(): Promise<void> {
    const progress = { ...this.counts, bytesDone: this.reader.bytesRead };
    const refused = this.rejections;
    this.rejections = [];
    this.sinceLast = 0;
    await this.inFlight;
    let written: Promise<BatchResult> = Promise.resolve({ inserted: 0, updated: 0 });
    // An all-or-nothing import with a refused row will be rolled back: writing more is wasted work.
    if (this.allOrNothing && this.counts.rejectedCount > 0) this.writer.discard();
    else written = this.writer.flush();
    this.inFlight = this.record(written, refused, progress);
    // Awaited at the next checkpoint or by `settled`; this keeps it from counting as unhandled meanwhile.
    this.inFlight.catch(() => undefined);
  }

  settled(): Promise<void> {
    return this.inFlight;
  }

  private async record(
    written: Promise<BatchResult>,
    refused: Rejection[],
    progress: Counts & { bytesDone: number },
  ): Promise<void> {
    const [result] = await Promise.all([written, this.recorder.rejections(this.importId, refused)]);
    this.counts.rowsInserted += result.inserted;
    this.counts.rowsUpdated += result.updated;
    await this.recorder.progress(this.importId, {
      ...progress,
      rowsInserted: this.counts.rowsInserted,
      rowsUpdated: this.counts.rowsUpdated,
      ...estimateRowsTotal(progress, this.source.expectedRows, this.source.bytesTotal),
    });
  }
}
