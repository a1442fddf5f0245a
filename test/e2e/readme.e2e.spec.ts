import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/database/embedded-database';
import { HERALD_DEMO, HeraldProcess, README, startHeraldProcess } from '../support/herald-process';

const run = promisify(execFile);
const readme = readFileSync(README, 'utf8');
const ADMIN_KEY = 'hk_demo_admin_0000000000000000';

/** The text of a README section, from its `## ` heading to the next. */
function section(heading: string): string {
  const start = readme.indexOf(`## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 3);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The ```sh blocks of a section, in order. */
const shBlocks = (text: string) => [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);

/**
 * The README's walkthroughs, every command of them, run by bash (with curl and jq) against the
 * program `npm run demo` runs, on a free port named by PORT — as a reader on a fresh clone would.
 */
describe('the README, as a reader runs it', () => {
  let demo: HeraldProcess;
  let port: number;
  let dataDir: string;

  const sh = async (script: string, env: Record<string, string> = {}) =>
    (
      await run('bash', ['-euo', 'pipefail', '-c', script], {
        env: { PATH: process.env.PATH, PORT: String(port), ...env },
        timeout: 60_000,
      })
    ).stdout;

  beforeAll(async () => {
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'herald-readme-'));
    demo = startHeraldProcess({ PORT: String(port), DATA_DIR: dataDir, HOME: process.env.HOME }, HERALD_DEMO);
    const started = Date.now();
    while (!demo.output().includes('Herald demo is running')) {
      if (Date.now() - started > 110_000) throw new Error(`the demo did not start:\n${demo.output()}`);
      if (demo.child.exitCode !== null) throw new Error(`the demo stopped:\n${demo.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);
  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names the port, every console user and the Node.js the package asks for, and links nothing outside the clone', () => {
    expect(section('Quick start')).toContain('`PORT`');
    for (const user of ['admin', 'demo-manager', 'demo-agent', 'demo-ops'])
      expect(section('Quick start')).toContain(`\`${user}\``);
    const engines = JSON.parse(readFileSync(join(README, '..', 'package.json'), 'utf8')).engines.node as string;
    expect(readme).toContain(`Node.js ${engines.replace('>=', '')} or newer`);
    expect(readme).not.toMatch(/\]\(\.\.\//);
    expect(demo.output()).toContain(`(users admin, demo-manager, demo-agent, demo-ops;`);
  });

  it('counts the demo book as it stands in the banner', async () => {
    const shown = Number(/A book of ([\d,]+) customers/.exec(demo.output())![1].replace(/,/g, ''));
    const page = await fetch(`http://localhost:${port}/customers?limit=1`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
    expect(shown).toBe(((await page.json()) as { total: number }).total);
  });

  it('runs the Quick start: health, users, and a fraud verification answered with the code its SMS gave', async () => {
    const [, tryIt, fraud] = shBlocks(section('Quick start'));
    const first = await sh(tryIt);
    expect(first).toContain('"status"');
    expect(first).toContain('demo-manager');
    const lines = (await sh(fraud)).trim().split('\n');
    const code = /N (\d+) if not/.exec(lines[0])?.[1];
    expect(code).toBeDefined();
    expect(lines[1]).toBe(`"N ${code}"`);
    expect(lines.at(-1)).toBe('confirmed_fraud');
  }, 60_000);

  it('makes a user who can sign in to the console, with a key, as "Who may do what" shows', async () => {
    const [users] = shBlocks(section('Who may do what'));
    const key = JSON.parse(await sh(users, { ADMIN: ADMIN_KEY }));
    expect(key.key).toMatch(/^hk_/);
    const base = `http://localhost:${port}`;
    const form = await fetch(`${base}/console/sign-in`);
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const signIn = await fetch(`${base}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'li.wei', password: 'a long passphrase for Li', _csrf: csrf, next: '' }),
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).not.toContain('sign-in');
  });
});
