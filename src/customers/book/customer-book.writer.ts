import { DataSource } from 'typeorm';
import { SystemClock } from '../../common/clock';
import { BatchResult, CustomerBatchWriter } from '../import/customer-batch.writer';
import { BookOptions, generateCustomers } from './customer-book.generator';

const BATCH_ROWS = 20_000;
const LANES = 2;

export interface SeedOptions {
  customers: number;
  seed: number;
  /** `YYYY-MM-DD`, the book's calendar day (see `generateCustomers`). */
  today: string;
  /** Called after each batch with the customers written so far. */
  onProgress?: (done: number) => void;
}

export type SeedResult = BatchResult;

/**
 * Loads a generated book through the import's own writer (COPY; an upsert per batch once it meets existing customers), so
 * seeding again with the same options changes nothing, and a different seed or `today`
 * rewrites the same external references. Consent rows cite the seed as their evidence.
 */
export async function seedCustomerBook(db: DataSource, options: SeedOptions): Promise<SeedResult> {
  const book: BookOptions = { count: options.customers, seed: options.seed, today: options.today };
  const writer = await CustomerBatchWriter.open(db, {
    lanes: LANES,
    singleTransaction: false,
    evidence: { source: 'customer-book', seed: options.seed },
    clock: new SystemClock(),
  });
  const totals: SeedResult = { inserted: 0, updated: 0 };
  let pending: Promise<void> = Promise.resolve();
  let queued = 0;
  let done = 0;
  /** The database writes one batch while the next is generated. */
  const flush = async () => {
    await pending;
    const rows = queued;
    queued = 0;
    pending = writer.flush().then((written) => {
      totals.inserted += written.inserted;
      totals.updated += written.updated;
      done += rows;
      options.onProgress?.(done);
    });
    pending.catch(() => undefined);
  };
  try {
    let position = 0;
    for (const customer of generateCustomers(book)) {
      writer.add(customer, ++position);
      if (++queued === BATCH_ROWS) await flush();
    }
    await flush();
    await pending;
    await writer.commit();
    return totals;
  } catch (error) {
    await pending.catch(() => undefined);
    await writer.abandon();
    throw error;
  }
}
