import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AlertEvaluator } from '../../alerts/alert-evaluator.service';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { BatchResult, CustomerBatchWriter } from './customer-batch.writer';
import { CustomerImport } from './customer-import.entity';
import { ImportPart, ImportRowsThread } from './import-rows.thread';
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
 * writes valid rows in batches (the reading and validating on a thread of their own). Partial: every batch commits on its own, and a file that breaks
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
    let writer: CustomerBatchWriter | undefined;
    let rows: ImportRowsThread | undefined;
    let checkpoints: Checkpoints | undefined;
    try {
      await this.recorder.running(job.id);
      const lanes = allOrNothing ? 1 : PARTIAL_IMPORT_LANES;
      const evidence = { importId: job.id };
      writer = await CustomerBatchWriter.open(this.db, {
        lanes,
        singleTransaction: allOrNothing,
        evidence,
        clock: this.clock,
        // Set-based: one statement per alert rule per batch, in the batch's transaction.
        afterBatch: async (client, ids) => {
          await this.alerts.onChange(ids, undefined, async (text, params) => (await client.query(text, params)).rows);
        },
      });
      // Reading, validating and encoding happen on a thread of their own: while PostgreSQL
      // writes one part, the next is made there, and this thread only moves bytes.
      const thread = (rows = ImportRowsThread.start({
        format: job.format,
        lanes,
        evidence,
        withIds: true,
        partRows: CHECKPOINT_ROWS,
        stamp: this.clock.now().toISOString(),
      }));
      // A body that breaks off rejects the next part too; this keeps it from counting as unhandled meanwhile.
      thread.feed(source.body).catch(() => undefined);
      checkpoints = new Checkpoints(job.id, source, writer, this.recorder, allOrNothing);
      let part: ImportPart;
      do {
        part = await thread.next();
        // An all-or-nothing import stops at the first unreadable point; a partial one keeps the rows before it.
        if (part.unreadable && allOrNothing) throw part.unreadable;
        await checkpoints.next(part);
        if (!part.last) thread.go(this.clock.now().toISOString());
      } while (!part.last);
      await checkpoints.settled();
      if (part.unreadable) throw part.unreadable;

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
    } finally {
      await rows?.stop();
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
 * An import's parts on their way to the database. While PostgreSQL writes one part the rows
 * thread makes the next; a part is written only when the previous one is done, so memory holds
 * two parts whatever the file's size.
 */
class Checkpoints {
  readonly counts: Counts = { rowsDone: 0, rowsInserted: 0, rowsUpdated: 0, rejectedCount: 0 };
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly importId: string,
    private readonly source: ImportSource,
    private readonly writer: CustomerBatchWriter,
    private readonly recorder: ImportJobRecorder,
    private readonly allOrNothing: boolean,
  ) {}

  /** Hands a part to the database, once the previous one is done. */
  async next(part: ImportPart): Promise<void> {
    this.counts.rowsDone = part.rowsDone;
    this.counts.rejectedCount = part.rejectedCount;
    const progress = { ...this.counts, bytesDone: part.bytesRead };
    await this.inFlight;
    let written: Promise<BatchResult> = Promise.resolve({ inserted: 0, updated: 0 });
    // An all-or-nothing import with a refused row will be rolled back: writing more is wasted work.
    if (!this.allOrNothing || this.counts.rejectedCount === 0) written = this.writer.write(part.batches);
    this.inFlight = this.record(written, part.rejections, progress);
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
