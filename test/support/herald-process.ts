import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The repository, seen from this file in the source tree or built into dist/ (for the benchmarks). */
const ROOT = basename(join(__dirname, '..', '..')) === 'dist' ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');

/** The built server (`npm test` builds first), run as an operator would: a process of its own. */
export const HERALD_MAIN = join(ROOT, 'dist', 'src', 'main.js');
/** What `npm run demo` runs once built. */
export const HERALD_DEMO = join(ROOT, 'dist', 'src', 'demo.js');
/** The repository's README.md. */
export const README = join(ROOT, 'README.md');

export interface HeraldProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startHeraldProcess(env: NodeJS.ProcessEnv, program = HERALD_MAIN): HeraldProcess {
  if (!existsSync(program)) throw new Error(`${program} is missing: run "npm run build" (npm test does)`);
  let output = '';
  const child = spawn(process.execPath, [program], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

export async function waitForHealth(url: string, within: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < within) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no healthy answer from ${url} within ${within} ms`);
}
