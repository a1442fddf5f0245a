/**
 * `npm run bench:import [-- --customers N --naive N]` — a generated book of a million customers
 * written as a CSV file, then imported through the import service (the code behind
 * POST /customers/imports: streamed read, shared validation, new customers and their consent
 * COPY'd straight into the tables); beside it the naive way, TypeORM `save` in chunks of 1,000, on
 * a 20,000-row sample. Runs on its own database: a new one on DATABASE_URL's server, else an
 * embedded PostgreSQL in a temporary directory. Also prints the import's CPU time per row, Node
 * and (embedded) PostgreSQL apart, which a busy machine inflates far less than elapsed time, and
 * the ceiling: the same rows loaded by PostgreSQL alone (see databaseAlone), and the import's
 * rate as a share of it (importVsDatabaseAlone). Last line: JSON.
 */
import 'reflect-metadata';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { SystemClock } from '../src/common/clock';
import { generateCustomers } from '../src/customers/book/customer-book.generator';
import { Customer } from '../src/customers/customer.entity';
import { CustomerImportRunner } from '../src/customers/import/customer-import.runner';
import { CustomerImportsService } from '../src/customers/import/customer-imports.service';
import { ImportJobRecorder } from '../src/customers/import/import-job.recorder';
import { csvHeader, toCsvLine } from '../src/customers/import/import-file.format';
import { dataSourceOptions } from '../src/database/data-source-options';
import { alertEvaluator } from './support/alert-evaluator';
import { argument, benchDatabase } from './support/bench-database';
import { descendantsCpu } from './support/process-cpu';

const TODAY = '2025-03-14';
const NAIVE_CHUNK = 1_000;

async function writeCsv(file: string, customers: number): Promise<void> {
  const out = createWriteStream(file);
  let chunk = csvHeader();
  for (const customer of generateCustomers({ count: customers, seed: 1, today: TODAY })) {
    chunk += toCsvLine(customer);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function naiveSave(db: DataSource, rows: number): Promise<number> {
  const repository = db.getRepository(Customer);
  const started = performance.now();
  let chunk: Partial<Customer>[] = [];
  for (const { consent: _consent, ...profile } of generateCustomers({ count: rows, seed: 2, today: TODAY })) {
    chunk.push({ ...profile, externalRef: `NAIVE-${profile.externalRef}` });
    if (chunk.length === NAIVE_CHUNK) {
      await repository.save(chunk);
      chunk = [];
    }
  }
  if (chunk.length) await repository.save(chunk);
  return rows / ((performance.now() - started) / 1000);
}

const round1 = (value: number) => Math.round(value * 10) / 10;

const CONSENT_COLUMNS = 'customer_id, channel, scope, state, source, evidence, actor_id, at';
/** Splits the book in two halves by id, a customer's consent with it. */
const HALF = (column: string, half: number) => `get_byte(uuid_send(${column}), 15) % 2 = ${half}`;

/**
 * The ceiling: the rows the import wrote, written again by PostgreSQL alone — exported to files,
 * the tables emptied, then each half COPY'd back by a connection of its own in one transaction
 * (nothing parsed, validated or encoded in Node; the indexes, the ledger and its check as in
 * production). What is left for Node at a target rate is the budget minus this.
 */
async function databaseAlone(db: DataSource, workDir: string, customers: number) {
  const file = (table: string, half: number) => join(workDir, `${table}-${half}.copy`);
  const onClient = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await (db.driver as PostgresDriver).master.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };
  for (const half of [0, 1]) {
    await onClient(async (client) => {
      await pipeline(
        client.query(copyTo(`COPY (SELECT * FROM customers WHERE ${HALF('id', half)}) TO STDOUT`)),
        createWriteStream(file('customers', half)),
      );
      await pipeline(
        client.query(copyTo(`COPY (SELECT ${CONSENT_COLUMNS} FROM consent_events WHERE ${HALF('customer_id', half)}) TO STDOUT`)),
        createWriteStream(file('consent', half)),
      );
    });
  }
  await db.query('TRUNCATE customers, consent_events CASCADE');
  // Starts the load without the import's dirty pages to write; a role without pg_checkpoint (a
  // shared server on DATABASE_URL) just starts with them.
  await db.query('CHECKPOINT').catch(() => undefined);
  const started = performance.now();
  const nodeCpuBefore = process.cpuUsage();
  const databaseCpu = descendantsCpu();
  await Promise.all(
    [0, 1].map((half) =>
      onClient(async (client) => {
        await client.query('BEGIN');
        await pipeline(createReadStream(file('customers', half)), client.query(copyFrom('COPY customers FROM STDIN')));
        await pipeline(
          createReadStream(file('consent', half)),
          client.query(copyFrom(`COPY consent_events (${CONSENT_COLUMNS}) FROM STDIN`)),
        );
        await client.query('COMMIT');
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const nodeCpu = process.cpuUsage(nodeCpuBefore);
  return {
    rowsPerSec: Math.round(customers / seconds),
    nodeCpuUsPerRow: round1((nodeCpu.user + nodeCpu.system) / customers),
    databaseCpuUsPerRow: round1((databaseCpu() * 1000) / customers),
  };
}

async function main(): Promise<void> {
  const customers = argument('customers', 1_000_000);
  const naiveRows = argument('naive', 20_000);
  const workDir = mkdtempSync(join(tmpdir(), 'herald-bench-import-file-'));
  const file = join(workDir, 'customers.csv');
  const database = await benchDatabase('import');
  try {
    const db = await new DataSource(dataSourceOptions(database.url)).initialize();
    try {
      console.log(`writing ${customers.toLocaleString('en')} generated customers (seed 1, today ${TODAY}) as CSV …`);
      await writeCsv(file, customers);
      const bytes = statSync(file).size;
      console.log(`  ${(bytes / 2 ** 20).toFixed(0)} MiB, ${(bytes / customers).toFixed(0)} bytes a row\n`);

      const clock = new SystemClock();
      const imports = new CustomerImportsService(
        db,
        clock,
        new CustomerImportRunner(db, clock, new ImportJobRecorder(db, clock), alertEvaluator(db, clock)),
      );
      console.log('importing through the import service (partial mode, Content-Length known) …');
      const progress = async () => {
        const [job] = (await imports.list({ limit: 1, offset: 0 })).items;
        if (job?.status !== 'running') return;
        const heap = process.memoryUsage().heapUsed / 2 ** 20;
        console.log(
          `  ${job.rowsDone.toLocaleString('en')} / ~${job.rowsTotal?.toLocaleString('en')} rows (${job.percent}%), ` +
            `${job.rowsPerSecond?.toLocaleString('en')} rows/s, ETA ${job.etaSeconds} s, heap ${heap.toFixed(0)} MiB`,
        );
      };
      // A progress line that cannot be read is skipped, not a crash of the benchmark.
      const watch = setInterval(() => void progress().catch(() => undefined), 2000);
      const started = performance.now();
      const nodeCpuBefore = process.cpuUsage();
      const databaseCpu = descendantsCpu();
      const job = await imports
        .start({
          body: createReadStream(file, { highWaterMark: 1 << 16 }),
          contentType: 'text/csv',
          mode: 'partial',
          bytesTotal: bytes,
        })
        .finally(() => clearInterval(watch));
      const seconds = (performance.now() - started) / 1000;
      const nodeCpu = process.cpuUsage(nodeCpuBefore);
      const nodeCpuUsPerRow = round1((nodeCpu.user + nodeCpu.system) / customers);
      const databaseCpuUsPerRow = round1((databaseCpu() * 1000) / customers);
      if (job.status !== 'succeeded' || job.rowsInserted !== customers) {
        throw new Error(`the import ended ${job.status} with ${job.rowsInserted} rows inserted: ${JSON.stringify(job.error)}`);
      }
      const importRowsPerSec = Math.round(customers / seconds);
      const [{ consent }] = await db.query('SELECT count(*)::int AS consent FROM consent_events');
      console.log(
        `  ${customers.toLocaleString('en')} rows in ${seconds.toFixed(1)} s: ${importRowsPerSec.toLocaleString('en')} rows/s ` +
          `(${consent.toLocaleString('en')} consent rows recorded)`,
      );
      console.log(
        `  CPU per row: Node ${nodeCpuUsPerRow} µs, PostgreSQL ${databaseCpuUsPerRow ? `${databaseCpuUsPerRow} µs` : 'not measured (not embedded)'}; ` +
          `load average ${loadavg()[0].toFixed(1)}\n`,
      );

      console.log("PostgreSQL alone: the same rows COPY'd back from files by two connections, nothing done in Node …");
      const alone = await databaseAlone(db, workDir, customers);
      console.log(
        `  ${alone.rowsPerSec.toLocaleString('en')} rows/s; CPU per row: PostgreSQL ${alone.databaseCpuUsPerRow || 'not measured'} µs, ` +
          `Node ${alone.nodeCpuUsPerRow} µs (streaming the files)\n`,
      );

      console.log(`the naive way: TypeORM save in chunks of ${NAIVE_CHUNK}, ${naiveRows.toLocaleString('en')} rows …`);
      const naiveRowsPerSec = Math.round(await naiveSave(db, naiveRows));
      console.log(`  ${naiveRowsPerSec.toLocaleString('en')} rows/s\n`);

      console.log(
        JSON.stringify({
          importRowsPerSec,
          naiveRowsPerSec,
          customers,
          importSeconds: round1(seconds),
          nodeCpuUsPerRow,
          databaseCpuUsPerRow,
          databaseAloneRowsPerSec: alone.rowsPerSec,
          databaseAloneCpuUsPerRow: alone.databaseCpuUsPerRow,
          // The goal is 0.85: the import at least that near to what PostgreSQL does alone, in the same run.
          importVsDatabaseAlone: Number((importRowsPerSec / alone.rowsPerSec).toFixed(2)),
        }),
      );
    } finally {
      await db.destroy();
    }
  } finally {
    await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
