import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/database/embedded-database';
import { migrate } from '../../src/database/migrate';
import { TEMPLATE_DATABASE, withDatabase } from './test-database';

/**
 * One PostgreSQL for the whole run: embedded on a free port, or TEST_DATABASE_URL's server.
 * The real migrations build a template database once; each test file clones it (see test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-test-'));
    chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach it
    const server = await startEmbeddedDatabase(dataDir, 'herald_admin');
    (globalThis as { heraldTestServer?: unknown }).heraldTestServer = { server, dataDir };
    adminUrl = server.url;
  }
  process.env.HERALD_TEST_ADMIN_URL = adminUrl;

  await withDatabase(adminUrl, async (admin: Client) => {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  });
  await migrate(databaseUrl(adminUrl, TEMPLATE_DATABASE));
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
