import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedDatabase } from '../../src/database/embedded-database';
import {
  postgresAccount,
  reachableBinaries,
  reachableBy,
  reachableClusterDirectory,
  runningAsRoot,
} from '../../src/database/postgres-placement';

/**
 * As root, PostgreSQL runs as the `postgres` user, who must reach the binaries and the data. A
 * clone in a private folder (mktemp -d's 0700, /root) lets nobody through: the binaries are
 * copied where that user can reach them, and the data placed there and linked from DATA_DIR.
 */
(runningAsRoot() ? describe : describe.skip)('the embedded PostgreSQL as root, from a private folder', () => {
  let privateDir: string;
  const placed: string[] = [];

  beforeAll(() => {
    privateDir = mkdtempSync(join(tmpdir(), 'herald-private-')); // 0700, as mktemp -d makes it
  });
  afterAll(() => {
    for (const path of [privateDir, ...placed]) rmSync(path, { recursive: true, force: true });
  });

  it('copies binaries the postgres user cannot reach to a root-owned folder it can, once per version', async () => {
    const account = postgresAccount();
    const native = join(privateDir, 'package', 'native');
    mkdirSync(join(native, 'bin'), { recursive: true });
    mkdirSync(join(native, 'lib'));
    for (const name of ['initdb', 'postgres']) {
      writeFileSync(join(native, 'bin', name), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    }
    const installed = {
      initdb: join(native, 'bin', 'initdb'),
      postgres: join(native, 'bin', 'postgres'),
      version: `test-${process.pid}-${Date.now()}`,
    };
    expect(reachableBy(account, installed.postgres)).toBe(false);

    const copy = await reachableBinaries(installed, account);
    placed.push(dirname(dirname(copy.postgres)));
    expect(copy.postgres).not.toBe(installed.postgres);
    expect(reachableBy(account, copy.initdb) && reachableBy(account, copy.postgres)).toBe(true);
    const home = lstatSync(dirname(dirname(copy.postgres)));
    expect({ uid: home.uid, writableByOthers: (home.mode & 0o022) !== 0 }).toEqual({ uid: 0, writableByOthers: false });

    expect(await reachableBinaries(installed, account)).toEqual(copy);
  });

  it('uses binaries and data where they are when the postgres user can reach them', async () => {
    const account = postgresAccount();
    const open = mkdtempSync(join(tmpdir(), 'herald-open-'));
    placed.push(open);
    chmodSync(open, 0o755);
    expect(await reachableClusterDirectory(open, account)).toBe(join(open, 'postgres'));
  });

  it('places the data of a private DATA_DIR where the postgres user can reach it, linked, and finds it again', async () => {
    const dataDir = join(privateDir, '.data', 'demo');
    const server = await startEmbeddedDatabase(dataDir, 'herald_private');
    placed.push(dirname(server.directory));
    try {
      const link = join(dataDir, 'postgres');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(realpathSync(link)).toBe(server.directory);
      expect(reachableBy(postgresAccount(), server.directory)).toBe(true);
      const client = new Client({ connectionString: server.url });
      await client.connect();
      await client.query('CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');
      await client.end();
    } finally {
      await server.stop();
    }

    const again = await startEmbeddedDatabase(dataDir, 'herald_private');
    try {
      expect(again.directory).toBe(server.directory);
      const client = new Client({ connectionString: again.url });
      await client.connect();
      const { rows } = await client.query('SELECT note FROM kept');
      await client.end();
      expect(rows).toEqual([{ note: 'still here' }]);
    } finally {
      await again.stop();
    }
  });

  it('starts a new cluster when the placed one is gone (a cleaned temp folder)', async () => {
    const account = postgresAccount();
    const dataDir = join(privateDir, 'gone');
    const first = await reachableClusterDirectory(dataDir, account);
    placed.push(dirname(first));
    rmSync(dirname(first), { recursive: true, force: true });
    const second = await reachableClusterDirectory(dataDir, account);
    placed.push(dirname(second));
    expect(second).not.toBe(first);
    expect(existsSync(second)).toBe(true);
    expect(readlinkSync(join(dataDir, 'postgres'))).toBe(second);
  });
});
