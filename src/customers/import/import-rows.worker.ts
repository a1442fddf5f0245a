/**
 * The import's rows thread (started by import-rows.thread.ts): reads the body as the main thread
 * hands it over, validates every row with the shared rules and encodes the valid ones as COPY
 * text, a part at a time. It builds part n+1 while the main thread's connections write part n,
 * and waits for the main thread's `go` before starting the one after, so memory holds two parts
 * whatever the file's size.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError, FieldProblem } from '../../common/domain-error';
import { validateCustomerRow } from '../customer-row.validator';
import { CustomerRowEncoder } from './customer-row.encoder';
import { ImportFileReader, ImportRecord } from './import-file.reader';
import type { Rejection } from './import-job.recorder';
import type { FromRowsThread, RowsPart, RowsThreadOptions, ToRowsThread, WireBatch } from './import-rows.protocol';

const port = parentPort!;
const options = workerData as RowsThreadOptions;

/** Two queues from the main thread: the body (chunks, then its end) and the stamps that say `go`. */
type BodyMessage = Exclude<ToRowsThread, { type: 'go' }>;
const chunks: BodyMessage[] = [];
const stamps: string[] = [];
let wake: (() => void) | undefined;
port.on('message', (message: ToRowsThread) => {
  if (message.type === 'go') stamps.push(message.stamp);
  else chunks.push(message);
  wake?.();
});
async function next<T>(queue: T[]): Promise<T> {
  while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  return queue.shift()!;
}

let taken = 0;
async function* body(): AsyncGenerator<Buffer | string> {
  for (;;) {
    const message = await next(chunks);
    if (message.type === 'end') return;
    const { chunk } = message;
    yield typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    send({ type: 'taken', chunks: ++taken });
  }
}

function send(message: FromRowsThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function main(): Promise<void> {
  const reader = new ImportFileReader(options.format);
  const encoder = new CustomerRowEncoder({ lanes: options.lanes, evidence: options.evidence, withIds: options.withIds });
  const valueSource = options.format === 'csv' ? 'text' : 'json';
  let stamp = options.stamp;
  let rowsDone = 0;
  let rejectedCount = 0;
  let sinceLast = 0;
  let rejections: Rejection[] = [];

  const post = (last: boolean, unreadable?: DomainError) => {
    const transfer: ArrayBuffer[] = [];
    const wire = (buffers: Buffer[]) =>
      buffers.map((buffer) => {
        // A batch's buffer is its own (never a pooled slice) and left behind by `take`: moved, not copied.
        transfer.push(buffer.buffer as ArrayBuffer);
        return { buffer: buffer.buffer as ArrayBuffer, offset: buffer.byteOffset, length: buffer.length };
      });
    const batches: WireBatch[] = encoder
      .take()
      .map((batch) => ({ profiles: wire(batch.profiles), consent: wire(batch.consent), rows: batch.rows, ids: batch.ids }));
    const part: RowsPart = { batches, rejections, rowsDone, rejectedCount, bytesRead: reader.bytesRead, last };
    if (unreadable) {
      part.unreadable = {
        code: unreadable.code,
        message: unreadable.message,
        status: unreadable.status,
        details: unreadable.details,
      };
    }
    send({ type: 'part', ...part }, transfer);
    rejections = [];
    sinceLast = 0;
  };

  const refuse = (record: ImportRecord, problems: FieldProblem[]) => {
    rejectedCount++;
    const ref = record.values.externalRef;
    const externalRef = typeof ref === 'string' && ref.trim() ? ref.trim().slice(0, 64) : null;
    for (const problem of problems)
      rejections.push({ row: record.row, field: problem.field, reason: problem.reason, externalRef });
  };

  try {
    for await (const records of reader.read(body())) {
      for (const record of records) {
        const checked = record.problems.length
          ? record
          : validateCustomerRow(record.values, { source: valueSource, byColumn: true });
        rowsDone++;
        sinceLast++;
        if ('value' in checked) encoder.add(checked.value, record.row, stamp);
        else refuse(record, checked.problems);
        if (sinceLast >= options.partRows) {
          post(false);
          stamp = await next(stamps);
        }
      }
    }
  } catch (error) {
    // The file cannot be read past this point: the rows before it still go (a partial import keeps them).
    if (!(error instanceof DomainError)) throw error;
    post(true, error);
    return;
  }
  post(true);
}

main().catch((error: Error) => send({ type: 'crashed', message: error.message, stack: error.stack }));
