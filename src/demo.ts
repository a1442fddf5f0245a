/**
 * `npm run demo`: Herald on the embedded database with sandbox channels, demo users and a demo
 * customer book, ready to explore from the API docs.
 */
import 'reflect-metadata';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { ensureDemoRiskDesk } from './alerts/alerts.demo';
import { UsersService } from './auth/users.service';
import { Role } from './auth/role';
import { loadConfig } from './config/app-config';
import { seedCustomerBook } from './customers/book/customer-book.writer';
import { FraudCasesService } from './flows/fraud/fraud-cases.service';
import { JobsService } from './jobs/jobs.service';
import { exitOnStartFailure, startHerald, stopOnSignals } from './main';
import { SegmentsService } from './segments/segments.service';
import { sqlOne } from './database/sql';

const DEMO_BOOK = 5_000;

/** Well-known keys and console password, for the demo only: they are printed on every start. */
const ADMIN_KEY = 'hk_demo_admin_0000000000000000';
const DEMO_PASSWORD = 'herald-demo-password';
const DEMO_USERS: { username: string; role: Role; key: string; phone?: string }[] = [
  { username: 'demo-manager', role: 'campaign_manager', key: 'hk_demo_manager_00000000000000' },
  { username: 'demo-agent', role: 'agent', key: 'hk_demo_agent_0000000000000000', phone: '+8613900000001' },
  { username: 'demo-ops', role: 'ops', key: 'hk_demo_ops_000000000000000000' },
  { username: 'demo-core', role: 'integration', key: 'hk_demo_core_00000000000000000' },
];

async function demo(): Promise<void> {
  // The sandbox stands in for Twilio, so the demo may send faster than a real long code would.
  const config = loadConfig({
    DATA_DIR: './.data/demo',
    LOG_LEVEL: 'warn',
    HERALD_ADMIN_KEY: ADMIN_KEY,
    SMS_PER_SECOND: '20',
    CALLS_PER_SECOND: '5',
    // A demo's own: a real deployment keeps its key apart from the database.
    ERASURE_HASH_KEY: 'demo-erasure-key-not-for-production-0001',
    ...process.env,
  });
  const herald = await startHerald(config);
  stopOnSignals(herald);
  const users = herald.app.get(UsersService);
  const db = herald.app.get(DataSource);
  for (const user of DEMO_USERS) {
    const existing = await sqlOne<{ id: string }>(db, 'SELECT id FROM users WHERE username = $1', [user.username]);
    if (existing) continue;
    const password = user.role === 'integration' ? undefined : DEMO_PASSWORD;
    const created = await users.create({
      username: user.username,
      displayName: user.username,
      role: user.role,
      phone: user.phone,
      password,
    });
    await users.issueKey(created.id, 'demo', user.key);
  }
  const admin = await sqlOne<{ id: string }>(db, `SELECT id FROM users WHERE username = 'admin' AND password_hash IS NULL`);
  if (admin) await users.update(admin.id, { password: DEMO_PASSWORD });
  const { count } = (await sqlOne<{ count: number }>(db, 'SELECT count(*)::int AS count FROM customers'))!;
  if (count === 0) {
    const today = DateTime.now().setZone('Asia/Shanghai').toISODate()!;
    await seedCustomerBook(db, { customers: DEMO_BOOK, seed: 42, today });
  }
  // The book as it stands: the generated one, plus whatever was imported into the demo since.
  const { count: book } = (await sqlOne<{ count: number }>(db, 'SELECT count(*)::int AS count FROM customers'))!;
  await ensureDemoSegments(herald.app.get(SegmentsService), db);
  await ensureFraudCallWaiting(herald.app.get(FraudCasesService), db);
  const todaysJob = await runRepaymentJobNow(herald.app.get(JobsService));
  const riskDesk = await ensureDemoRiskDesk(herald.app, db);
  const lines = [{ role: 'admin', key: ADMIN_KEY }, ...DEMO_USERS].map((u) => `    ${u.role.padEnd(17)} ${u.key}`).join('\n');
  process.stdout.write(
    `\nHerald demo is running at ${herald.url}\n` +
      `  API docs:  ${herald.url}/docs\n  Health:    ${herald.url}/health\n\n` +
      `  Console:   ${herald.url}/console  (users admin, demo-manager, demo-agent, demo-ops; password ${DEMO_PASSWORD})\n\n` +
      `Demo API keys (send as "Authorization: Bearer <key>"):\n${lines}\n\n` +
      `A book of ${Number(book).toLocaleString('en')} customers, saved segments (GET /segments), and sandbox\n` +
      `channels: what would be sent is at GET /sandbox/messages.\n${todaysJob}${riskDesk}\n` +
      `Ctrl-C stops it; data stays under ${config.dataDir}.\n`,
  );
}

/**
 * Today's reminders, collections and activation messages at once, rather than at the top of the
 * next hour: the job ops run with POST /jobs/repayment/runs. A rerun queues nothing twice.
 */
async function runRepaymentJobNow(jobs: JobsService): Promise<string> {
  try {
    const run = await jobs.runRepayment();
    return (
      `Today's repayment job queued ${run.reminders} reminders, ${run.collectionMessages} collection SMS, ` +
      `${run.agentTasks} agent calls and ${run.activations} activation messages (again: POST /jobs/repayment/runs).\n`
    );
  } catch (error) {
    return `The repayment job did not run now (${(error as Error).message}); it runs every hour.\n`;
  }
}

/** Segments a campaign manager would start from. */
async function ensureDemoSegments(segments: SegmentsService, db: DataSource): Promise<void> {
  const { id: ownerId } = (await sqlOne<{ id: string }>(db, `SELECT id FROM users WHERE username = 'demo-manager'`))!;
  const wanted = [
    {
      name: 'Overdue 1–30 days, medium or high risk',
      rule: {
        all: [
          { field: 'daysPastDue', op: 'between', value: [1, 30] },
          { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
        ],
      },
    },
    {
      name: 'Due within 3 days, minimum not paid',
      rule: {
        all: [
          { field: 'daysUntilDue', op: 'between', value: [0, 3] },
          { field: 'minimumDuePaid', op: 'eq', value: false },
        ],
      },
    },
    {
      name: 'Never activated, issued over 14 days ago',
      rule: {
        all: [
          { field: 'cardStatus', op: 'eq', value: 'not_activated' },
          { field: 'daysSinceCardIssued', op: 'gt', value: 14 },
        ],
      },
    },
  ];
  for (const segment of wanted) {
    const exists = await sqlOne(db, 'SELECT 1 FROM segments WHERE name = $1', [segment.name]);
    if (!exists) await segments.create(segment, ownerId);
  }
}

/** A suspicious purchase nobody answered, so the agent's queue has a fraud call in it. */
async function ensureFraudCallWaiting(fraud: FraudCasesService, db: DataSource): Promise<void> {
  const exists = await sqlOne(db, `SELECT 1 FROM card_transactions WHERE reference = 'DEMO-TXN-1'`);
  if (exists) return;
  const customer = (await sqlOne<{ id: string; external_ref: string }>(
    db,
    `SELECT id, external_ref FROM customers WHERE country = 'CN' AND phone IS NOT NULL AND card_status = 'active' ORDER BY external_ref LIMIT 1`,
  ))!;
  const decision = await fraud.ingest({
    reference: 'DEMO-TXN-1',
    customerRef: customer.external_ref,
    amount: 6_800_000,
    currency: 'CNY',
    merchant: 'Luxury Watches Ltd',
    country: 'CN',
    city: 'Shanghai',
    cardNotPresent: false,
    at: new Date().toISOString(),
  });
  if (decision.caseId) await fraud.ivrInput({ caseId: decision.caseId, customerId: customer.id }, '0', { demo: true });
  // A second customer answered "N" (not me) by SMS: the card is blocked, and the next-steps call waits on the desk.
  const second = (await sqlOne<{ id: string; external_ref: string }>(
    db,
    `SELECT id, external_ref FROM customers WHERE country = 'CN' AND phone IS NOT NULL AND card_status = 'active'
      ORDER BY external_ref OFFSET 2 LIMIT 1`,
  ))!;
  const confirmed = await fraud.ingest({
    reference: 'DEMO-TXN-2',
    customerRef: second.external_ref,
    amount: 4_200_000,
    currency: 'CNY',
    merchant: 'Electronics Outlet',
    country: 'CN',
    city: 'Shenzhen',
    cardNotPresent: true,
    at: new Date().toISOString(),
  });
  if (confirmed.caseId) await fraud.answer({ caseId: confirmed.caseId, customerId: second.id }, 'no', 'sms', { demo: true });
}

demo().catch(exitOnStartFailure);
