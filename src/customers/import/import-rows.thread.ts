import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../../common/domain-error';
import { EncodedBatch } from './customer-row.encoder';
import { FromRowsThread, RowsPart, RowsThreadOptions, ToRowsThread, WireBuffer } from './import-rows.protocol';

/** Body chunks handed over and not yet read by the rows thread: enough to keep it busy, no more. */
const CHUNKS_AHEAD = 8;

/**
 * Run from the TypeScript sources (the test suite), the rows thread compiles them as it requires
 * them, the way the tests' own transform does; built, it runs the JavaScript as it is.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } },
  });
  module._compile(code, filename);
};
require(workerData.entry);
`;

/** One part of the file, read, validated and encoded on the rows thread: a batch per lane, the refusals, progress. */
export interface ImportPart extends Omit<RowsPart, 'batches' | 'unreadable'> {
  batches: EncodedBatch[];
  /** On the last part: why the file could not be read past it. */
  unreadable?: DomainError;
}

/**
 * The main thread's side of an import's rows thread (import-rows.worker.ts): `feed` hands it the
 * body, `next` gives the parts in order, `go` lets it build the one after (with that part's time).
 * A failure on either side (the body breaks off, the thread crashes) rejects `next`.
 */
export class ImportRowsThread {
  private readonly parts: ImportPart[] = [];
  private waiting: { resolve: (part: ImportPart) => void; reject: (error: unknown) => void } | undefined;
  private failure: unknown;
  private taken = 0;
  private tookMore: (() => void) | undefined;
  /** The last part came: the rows thread has nothing more to read. */
  private finished = false;
  private stopped = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromRowsThread) => this.receive(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => {
      if (!this.stopped) this.fail(new Error('the import rows thread ended before the last part'));
    });
  }

  static start(options: RowsThreadOptions): ImportRowsThread {
    const entry = join(__dirname, `import-rows.worker${extname(__filename)}`);
    const worker = entry.endsWith('.ts')
      ? new Worker(BOOTSTRAP, { eval: true, workerData: { ...options, entry } })
      : new Worker(entry, { workerData: options });
    // The import's own promises keep it going; a rows thread alone must not keep a process from
    // exiting (a test's, once its app is closed mid-import).
    worker.unref();
    return new ImportRowsThread(worker);
  }

  /** Hands the body over as it arrives, a few chunks ahead of the rows thread; rejects if the body breaks off. */
  async feed(body: AsyncIterable<Buffer | string>): Promise<void> {
    let posted = 0;
    try {
      for await (const chunk of body) {
        if (this.finished || this.stopped) return;
        if (typeof chunk === 'string') this.post({ type: 'chunk', chunk });
        else {
          // Read streams hand out slices of shared pools: the rows thread gets its own copy, moved to it.
          const copy = new Uint8Array(chunk);
          this.post({ type: 'chunk', chunk: copy }, [copy.buffer]);
        }
        posted++;
        while (posted - this.taken >= CHUNKS_AHEAD && !this.finished && !this.stopped) {
          await new Promise<void>((resolve) => (this.tookMore = resolve));
        }
      }
      if (!this.finished && !this.stopped) this.post({ type: 'end' });
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  next(): Promise<ImportPart> {
    if (this.parts.length) return Promise.resolve(this.parts.shift()!);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The last part handed out is on its way to the database: the rows thread may build the next, stamped `stamp`. */
  go(stamp: string): void {
    if (!this.finished && !this.stopped) this.post({ type: 'go', stamp });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.tookMore?.();
    await this.worker.terminate();
  }

  private post(message: ToRowsThread, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromRowsThread): void {
    if (message.type === 'taken') {
      this.taken = message.chunks;
      this.tookMore?.();
      this.tookMore = undefined;
    } else if (message.type === 'crashed') {
      const error = new Error(message.message);
      error.stack = message.stack;
      this.fail(error);
    } else {
      const { type: _type, batches, unreadable, ...rest } = message;
      const part: ImportPart = {
        ...rest,
        batches: batches.map((batch) => ({ ...batch, profiles: batch.profiles.map(buffer), consent: batch.consent.map(buffer) })),
        ...(unreadable
          ? { unreadable: new DomainError(unreadable.code, unreadable.message, unreadable.status, unreadable.details) }
          : {}),
      };
      if (part.last) {
        this.finished = true;
        this.tookMore?.();
      }
      if (this.waiting) {
        this.waiting.resolve(part);
        this.waiting = undefined;
      } else this.parts.push(part);
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.waiting?.reject(error);
    this.waiting = undefined;
  }
}

const buffer = ({ buffer, offset, length }: WireBuffer) => Buffer.from(buffer, offset, length);
