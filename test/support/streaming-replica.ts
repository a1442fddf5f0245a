import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, chownSync, cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/database/embedded-database';
import { installedBinaries, postgresAccount, reachableBinaries, runningAsRoot } from '../../src/database/postgres-placement';

export interface StreamingReplica {
  url: string;
  client(): Promise<Client>;
  stop(): Promise<void>;
}

/** Files a base backup leaves out (PostgreSQL's own list for pg_basebackup, the ones that matter here). */
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'standby.signal']);
const EMPTIED = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_stat_tmp',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
]);

/**
 * A hot standby of the embedded PostgreSQL at `primaryUrl` (cluster folder `primaryDirectory`),
 * streaming its WAL — made without pg_basebackup, which the npm binaries do not ship: a
 * non-exclusive base backup by hand (pg_backup_start, a copy of the cluster's files while it
 * runs, pg_backup_stop's label written as backup_label), then standby.signal and primary_conninfo,
 * and the same `postgres` binary started on the copy. It replays from the backup's start over
 * the replication protocol, as a replica made by pg_basebackup -R would.
 */
export async function startStreamingReplica(primaryUrl: string, primaryDirectory: string): Promise<StreamingReplica> {
  const account = runningAsRoot() ? postgresAccount() : undefined;
  const binaries = account ? await reachableBinaries(installedBinaries(), account) : installedBinaries();
  const directory = join(dirname(primaryDirectory), `replica-${Date.now()}`);
  const primary = new URL(primaryUrl);
  const session = new Client({ connectionString: primaryUrl });
  await session.connect();
  try {
    await session.query(`SELECT pg_backup_start('herald-test-replica', true)`);
    cpSync(primaryDirectory, directory, {
      recursive: true,
      filter: (source) => {
        const relative = source.slice(primaryDirectory.length + 1);
        if (SKIPPED.has(relative)) return false;
        const [top, ...rest] = relative.split('/');
        return !(EMPTIED.has(top) && rest.length > 0);
      },
    });
    const [{ labelfile }] = (await session.query(`SELECT labelfile FROM pg_backup_stop(false)`)).rows;
    writeFileSync(join(directory, 'backup_label'), labelfile);
  } finally {
    await session.end();
  }
  for (const folder of EMPTIED) mkdirSync(join(directory, folder), { recursive: true });
  writeFileSync(join(directory, 'standby.signal'), '');
  const port = await freePort();
  appendFileSync(
    join(directory, 'postgresql.auto.conf'),
    `\nprimary_conninfo = 'host=127.0.0.1 port=${primary.port} user=${primary.username} password=${primary.password} application_name=herald-test-replica'\nhot_standby = on\n`,
  );
  if (account) chownTree(directory, account.uid, account.gid);

  // A standby's max_connections may not be below the primary's (embedded-database.ts starts it with 200).
  const child: ChildProcess = spawn(
    binaries.postgres,
    ['-D', directory, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    { cwd: dirname(directory), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], ...(account ?? {}) },
  );
  let output = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the replica did not start: ${output.slice(-2000)}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      if (output.includes('ready to accept read-only connections')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the replica stopped as it started (exit ${code}): ${output.slice(-2000)}`));
    });
  });
  const url = new URL(primaryUrl);
  url.port = String(port);
  return {
    url: url.toString(),
    async client() {
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      return client;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGINT');
      await exited;
    },
  };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!statSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
}
