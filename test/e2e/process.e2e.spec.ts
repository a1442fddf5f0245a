import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-database';
import { startHeraldProcess as start, waitForHealth } from '../support/herald-process';

/**
 * Herald as an operator runs it: the built server as a process of its own, on its own embedded
 * PostgreSQL. (`npm test` builds first.)
 */
const ADMIN_KEY = 'hk_process_test_admin_key_0123456789';

function postgresProcessesUsing(dataDir: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) && /postgres/.test(line));
}

describe('the Herald process', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-process-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts healthy, stops cleanly on SIGINT with no postgres left behind, and finds its data again', async () => {
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, HERALD_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'warn' };
    const url = `http://127.0.0.1:${port}`;

    const first = start(env);
    await waitForHealth(url, 60_000);
    const created = await fetch(`${url}/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'survivor', displayName: 'Survivor', role: 'ops' }),
    });
    expect(created.status).toBe(201);
    expect(postgresProcessesUsing(dataDir).length).toBeGreaterThan(0);

    const stopAsked = Date.now();
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(Date.now() - stopAsked).toBeLessThan(10_000);
    expect(postgresProcessesUsing(dataDir)).toEqual([]);

    const second = start(env);
    try {
      await waitForHealth(url, 60_000);
      const users = await fetch(`${url}/users`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
      const body = (await users.json()) as { items: { username: string }[] };
      expect(body.items.map((u) => u.username)).toContain('survivor');
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
    expect(postgresProcessesUsing(dataDir)).toEqual([]);
  });

  it('refuses to start on an invalid setting, naming it', async () => {
    const bad = start({ PORT: 'abc', DATA_DIR: dataDir });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('PORT must be a whole number, got "abc"');
  });
});
