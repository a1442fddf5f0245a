import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/app-config';
import { startEmbeddedDatabase } from '../../src/database/embedded-database';
import { migrate } from '../../src/database/migrate';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of the benchmark's own, migrated: a new one on DATABASE_URL's server, or an
 * embedded PostgreSQL in a temporary directory, removed afterwards.
 */
export async function benchDatabase(name: string): Promise<BenchDatabase> {
  const serverUrl = loadConfig(process.env).databaseUrl;
  let database: BenchDatabase;
  if (serverUrl) {
    const dbName = `herald_bench_${name}_${randomBytes(4).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`CREATE DATABASE ${dbName}`);
    const url = new URL(serverUrl);
    url.pathname = `/${dbName}`;
    database = { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`) };
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), `herald-bench-${name}-`));
    chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach it
    const server = await startEmbeddedDatabase(dataDir, 'herald_bench');
    database = {
      url: server.url,
      drop: async () => {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  await migrate(database.url);
  return database;
}

export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

/** `--name N` from the command line: a positive whole number, or `fallback`. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
  return value;
}
