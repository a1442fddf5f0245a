import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

export const TEMPLATE_DATABASE = 'herald_test_template';

export async function withDatabase<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with every migration applied, cloned from the run's template in milliseconds. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.HERALD_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('HERALD_TEST_ADMIN_URL is unset: run the tests through jest (global setup)');
  const name = `herald_test_${randomBytes(6).toString('hex')}`;
  await withDatabase(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withDatabase(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Undoes the applied migrations back to just before `timestamp` (later ones first), to test a migration's down and up. */
export async function undoMigrationsFrom(db: DataSource, timestamp: number): Promise<void> {
  const last = async () => Number((await db.query(`SELECT max(timestamp) AS at FROM schema_migrations`))[0].at as string);
  while ((await last()) >= timestamp) await db.undoLastMigration({ transaction: 'each' });
}
