/**
 * `npm run demo`: Herald on the embedded database with sandbox channels, demo users and a demo
 * customer book, ready to explore from the API docs.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { UsersService } from './auth/users.service';
import { Role } from './auth/role';
import { loadConfig } from './config/app-config';
import { exitOnStartFailure, startHerald, stopOnSignals } from './main';

/** Well-known keys, for the demo only: they are printed on every start. */
const ADMIN_KEY = 'hk_demo_admin_0000000000000000';
const DEMO_USERS: { username: string; role: Role; key: string }[] = [
  { username: 'demo-manager', role: 'campaign_manager', key: 'hk_demo_manager_00000000000000' },
  { username: 'demo-agent', role: 'agent', key: 'hk_demo_agent_0000000000000000' },
  { username: 'demo-ops', role: 'ops', key: 'hk_demo_ops_000000000000000000' },
  { username: 'demo-core', role: 'integration', key: 'hk_demo_core_00000000000000000' },
];

async function demo(): Promise<void> {
  const config = loadConfig({ DATA_DIR: './.data/demo', LOG_LEVEL: 'warn', HERALD_ADMIN_KEY: ADMIN_KEY, ...process.env });
  const herald = await startHerald(config);
  stopOnSignals(herald);
  const users = herald.app.get(UsersService);
  const db = herald.app.get(DataSource);
  for (const user of DEMO_USERS) {
    const [existing] = await db.query('SELECT id FROM users WHERE username = $1', [user.username]);
    if (existing) continue;
    const created = await users.create({ username: user.username, displayName: user.username, role: user.role });
    await users.issueKey(created.id, 'demo', user.key);
  }
  const lines = [{ role: 'admin', key: ADMIN_KEY }, ...DEMO_USERS].map((u) => `    ${u.role.padEnd(17)} ${u.key}`).join('\n');
  process.stdout.write(
    `\nHerald demo is running at ${herald.url}\n` +
      `  API docs:  ${herald.url}/docs\n  Health:    ${herald.url}/health\n\n` +
      `Demo API keys (send as "Authorization: Bearer <key>"):\n${lines}\n\nCtrl-C stops it; data stays under ${config.dataDir}.\n`,
  );
}

demo().catch(exitOnStartFailure);
