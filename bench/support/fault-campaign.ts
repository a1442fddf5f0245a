import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { freePort, RunningDatabase, startEmbeddedDatabase } from '../../src/database/embedded-database';
import { migrate } from '../../src/database/migrate';
import { FakeTwilio, Failure } from '../../test/support/fake-twilio.server';
import { HeraldProcess, startHeraldProcess, waitForHealth } from '../../test/support/herald-process';
import { withDatabase } from '../../test/support/test-database';

/**
 * A campaign of SMS sent by Herald processes through the real twilio SDK to a local Twilio, on a
 * PostgreSQL of its own that can be stopped and started again, while faults are injected: the
 * sending instance killed with SIGKILL, the database stopped mid-batch, the provider failing
 * before and after creating messages. Every figure is counted from the local Twilio's own log of
 * what it created — never from Herald's tables — except what only Herald can say (a customer shown
 * blocked with a reason, a task left stuck or unknown).
 */

const ADMIN_KEY = 'hk_fault_campaign_admin_key_0000';
const CONCURRENCY = 256;

export interface FaultPlan {
  /** Share of create requests answered 500 before anything is created, 429, hung past the send timeout after creating, reset after creating, 502 after creating. */
  provider?: { http500: number; http429: number; hangAfterCreate: number; resetAfterCreate: number; http502AfterCreate: number };
  /** Customers (by index) whose number the provider reports opted out (21610). */
  optedOut?: number;
  /** Sends done (as a share of the campaign) at which the sending instance is killed with SIGKILL, then restarted. */
  killsAt?: number[];
  /** PostgreSQL stopped (immediate shutdown, as a crash) at this share of the campaign, for this long. */
  databaseStop?: { at: number; forMs: number };
}

export interface FaultReport {
  tasks: number;
  duplicates: number;
  neverSent: number;
  stuck: number;
  unknownAfterReconcile: number;
  maxUnknownAfterCrash: number;
  retryDelayP50Ms: number | null;
  /** Customers reached per second, from the first message to the last, less the time Herald or its database was down. */
  sendsPerSecond: number;
  /** Unknown sends the reconciler resolved (found, or absent and sent again). */
  reconciled: number;
  /** Seconds of up time until half, 90 %, 99 % and all of the customers reached were first reached. */
  reachedAt: Record<string, number>;
  /**
   * The last 1 % of customers reached, and why they were late: how many tries the provider
   * refused (500, 429) before the one that reached them, and the seconds of up time between
   * their first try and their first contact (median; 0 when the first try reached them).
   */
  lastPercent: { customers: number; refusedTries: Record<string, number>; firstTryToReachP50: number | null };
  wallSeconds: number;
}

export const SETTINGS = {
  DISPATCH_CONCURRENCY: String(CONCURRENCY),
  DISPATCH_BATCH_SIZE: '200',
  DISPATCH_LEASE_SECONDS: '5',
  DISPATCH_SEND_TIMEOUT_MS: '1000',
  DISPATCH_RECONCILE_AFTER_MS: '2000',
  DISPATCH_RETRY_BASE_MS: '1000',
  DISPATCH_RETRY_MAX_MS: '4000',
  DISPATCH_MAX_ATTEMPTS: '8',
  DISPATCH_POLL_MS: '200',
  SMS_PER_SECOND: '0',
};

/** Runs one campaign of `customers` SMS under `plan`; `seed` makes the provider's faults repeatable. */
export async function runFaultCampaign(customers: number, plan: FaultPlan, seed = 1): Promise<FaultReport> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-faults-'));
  chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach it
  const port = await freePort();
  let database: RunningDatabase = await startEmbeddedDatabase(dataDir, 'herald', port);
  const twilio = await FakeTwilio.start();
  let herald: { process: HeraldProcess; url: string } | undefined;
  try {
    await migrate(database.url);
    const phones = await seedCustomers(database.url, customers);
    const optedOut = new Set(phones.slice(0, plan.optedOut ?? 0));
    const random = mulberry32(seed);
    twilio.faults = ({ to }) => (optedOut.has(to) ? { code: 21610 } : providerFault(plan, random()));

    const env = {
      ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
      ...SETTINGS,
      DATABASE_URL: database.url,
      HERALD_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
    };
    herald = await startHerald(env);
    const started = Date.now();
    let downMs = 0;
    const outages: [number, number][] = [];
    let maxUnknownAfterCrash = 0;
    await launchCampaign(herald.url).catch((error: Error) => {
      // Herald's own account of a failed launch, which its answer (a correlation id) only points to.
      throw new Error(`${error.message}\nHerald's last output:\n${herald!.process.output().slice(-4_000)}`);
    });

    const contacted = () => new Set(twilio.messages.map((m) => m.to)).size;
    const events = [
      ...(plan.killsAt ?? []).map((at) => ({ at, kind: 'kill' as const })),
      ...(plan.databaseStop ? [{ at: plan.databaseStop.at, kind: 'database' as const }] : []),
    ].sort((a, b) => a.at - b.at);
    for (const event of events) {
      await until(() => contacted() >= event.at * customers, 300_000, `${event.at * 100}% of the campaign sent`);
      const downSince = Date.now();
      if (event.kind === 'kill') {
        herald.process.child.kill('SIGKILL');
        await herald.process.exited;
        // What the dead instance had handed to the provider and not written down: all that can be in
        // doubt (an earlier victim's, not yet reaped, counts apart).
        const inDoubt = await count(
          database.url,
          `SELECT coalesce(max(n), 0) AS count FROM (SELECT count(*) AS n FROM contact_tasks WHERE status = 'sending' GROUP BY claimed_by) per_instance`,
        );
        maxUnknownAfterCrash = Math.max(maxUnknownAfterCrash, inDoubt);
        herald = await startHerald(env);
      } else {
        stopAsACrash(database.directory);
        await new Promise((resume) => setTimeout(resume, plan.databaseStop!.forMs));
        database = await startEmbeddedDatabase(dataDir, 'herald', port);
      }
      downMs += Date.now() - downSince;
      outages.push([downSince, Date.now()]);
    }

    await until(
      async () => (await count(database.url, `SELECT count(*) FROM contact_tasks WHERE status NOT IN (${FINAL})`)) === 0,
      300_000,
      'every task settled',
      // A count over the whole outbox: asked often, it took a fifth of a core from the run it watches.
      1_000,
    );
    const created = twilio.messages.map((m) => m.createdAt.getTime());
    // (A reduce, not Math.max(...created): spreading 200,000 arguments overflows the stack.)
    const [first, last] = created.reduce(([lo, hi], at) => [Math.min(lo, at), Math.max(hi, at)], [Infinity, -Infinity]);
    const sendingMs = last - first - downMs;
    // When each share of the customers was first reached, in seconds of up time: where the time goes.
    const firsts = [...new Map(twilio.messages.map((m) => [m.to, m.createdAt.getTime()] as const).reverse()).values()].sort(
      (a, b) => a - b,
    );
    const upSeconds = (at: number) =>
      (at - firsts[0] - outages.reduce((sum, [from, to]) => sum + Math.max(0, Math.min(at, to) - from), 0)) / 1000;
    const reachedAt = Object.fromEntries(
      [0.5, 0.9, 0.99, 1].map((share) => [`p${share * 100}`, upSeconds(firsts[Math.ceil(share * firsts.length) - 1])]),
    );
    const lastPercent = lateCustomers(twilio, firsts, upSeconds);
    const firstContacts = contacted();
    const wallSeconds = (Date.now() - started) / 1000;

    const report = await withDatabase(database.url, async (db) => {
      const statuses = await db.query(`SELECT status, count(*)::int AS n FROM contact_tasks GROUP BY status`);
      const by = Object.fromEntries(statuses.rows.map((r) => [r.status, r.n])) as Record<string, number>;
      const blocked = await db.query(
        `SELECT c.phone FROM contact_tasks t JOIN customers c ON c.id = t.customer_id
          WHERE t.status IN ('suppressed', 'failed') AND jsonb_array_length(t.reasons) > 0`,
      );
      const reconciled = await count(
        database.url,
        `SELECT count(*) FROM contact_tasks WHERE reasons @> '[{"code": "RECONCILED_FOUND"}]' OR reasons @> '[{"code": "RECONCILED_NOT_AT_PROVIDER"}]'`,
      );
      return { by, blocked: new Set(blocked.rows.map((r) => r.phone as string)), reconciled };
    });
    const reached = new Set(twilio.messages.map((m) => m.to));
    const perNumber = new Map<string, number>();
    for (const m of twilio.messages) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
    return {
      tasks: Object.values(report.by).reduce((a, b) => a + b, 0),
      duplicates: [...perNumber.values()].filter((n) => n > 1).length,
      neverSent: phones.filter((phone) => !reached.has(phone) && !report.blocked.has(phone)).length,
      stuck: (report.by.pending ?? 0) + (report.by.claimed ?? 0) + (report.by.sending ?? 0),
      unknownAfterReconcile: report.by.unknown ?? 0,
      maxUnknownAfterCrash,
      retryDelayP50Ms: median(retryDelays(twilio)),
      sendsPerSecond: Math.round(firstContacts / Math.max(0.001, sendingMs / 1000)),
      reconciled: report.reconciled,
      reachedAt,
      lastPercent,
      wallSeconds: Math.round(wallSeconds),
    };
  } finally {
    if (herald) {
      herald.process.child.kill('SIGKILL');
      await herald.process.exited;
    }
    await twilio.close();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const FINAL = `'sent', 'failed', 'suppressed', 'expired', 'cancelled', 'skipped'`;

function providerFault(plan: FaultPlan, roll: number): Failure | undefined {
  const p = plan.provider;
  if (!p) return undefined;
  const hang = Number(SETTINGS.DISPATCH_SEND_TIMEOUT_MS) + 1_000;
  const table: [number, Failure][] = [
    [p.http500, { status: 500 }],
    [p.http429, { code: 20429 }],
    [p.hangAfterCreate, { after: 'create', delayMs: hang }],
    [p.resetAfterCreate, { after: 'create', reset: true }],
    [p.http502AfterCreate, { after: 'create', status: 502 }],
  ];
  for (const [share, failure] of table) {
    if (roll < share) return failure;
    roll -= share;
  }
  return undefined;
}

/** The last 1 % of customers reached: the tries refused before each was reached, and the wait from the first try. */
function lateCustomers(twilio: FakeTwilio, firsts: number[], upSeconds: (at: number) => number): FaultReport['lastPercent'] {
  const from = firsts[Math.ceil(0.99 * firsts.length) - 1];
  const tries = new Map<string, { at: number; created: boolean }[]>();
  for (const r of twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'))) {
    const to = String(r.params.To);
    tries.set(to, [...(tries.get(to) ?? []), { at: r.at.getTime(), created: Boolean(r.outcome?.sid) }]);
  }
  const late = [...tries.values()]
    .map((list) => ({ list, reached: list.findIndex((t) => t.created) }))
    .filter(({ list, reached }) => reached >= 0 && list[reached].at >= from);
  const refusedTries: Record<string, number> = {};
  for (const { reached } of late) refusedTries[reached] = (refusedTries[reached] ?? 0) + 1;
  const waits = late.map(({ list, reached }) => upSeconds(list[reached].at) - upSeconds(list[0].at));
  return { customers: late.length, refusedTries, firstTryToReachP50: median(waits) };
}

/** For each request refused with 429, how long until the next request for that number. */
function retryDelays(twilio: FakeTwilio): number[] {
  const creates = twilio.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
  const next = new Map<string, number>();
  const delays: number[] = [];
  for (let i = creates.length - 1; i >= 0; i--) {
    const to = String(creates[i].params.To);
    if (creates[i].outcome?.status === 429 && next.has(to)) delays.push(next.get(to)! - creates[i].at.getTime());
    next.set(to, creates[i].at.getTime());
  }
  return delays;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Customers in a zone where it is now a weekday afternoon, so reminders may go whenever the
 * benchmark runs; returns their numbers in order.
 */
async function seedCustomers(url: string, customers: number): Promise<string[]> {
  const zone = afternoonZone();
  await withDatabase(url, (db) =>
    db.query(
      `INSERT INTO customers (external_ref, full_name, phone, locale, timezone, country, card_last4, currency, credit_limit,
                              statement_balance, minimum_due, due_date, statement_date, risk_level)
       SELECT 'F' || i, '客户' || i, '+86139' || lpad(i::text, 8, '0'), 'zh-CN', $2, 'CN', '4821', 'CNY', 5000000,
              123450, 12345, (now() + interval '5 days')::date, (now() - interval '20 days')::date, 'low'
         FROM generate_series(1, $1) AS i`,
      [customers, zone],
    ),
  );
  return Array.from({ length: customers }, (_, i) => `+86139${String(i + 1).padStart(8, '0')}`);
}

/** Zones a quarter of the world apart: one of them is always in a weekday's working hours, or near. */
const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Pacific/Auckland', 'Asia/Kolkata'];

function afternoonZone(): string {
  const distance = (zone: string) => {
    const local = DateTime.now().setZone(zone);
    return (local.weekday <= 5 ? 0 : 24) + Math.abs(local.hour - 13);
  };
  return [...ZONES].sort((a, b) => distance(a) - distance(b))[0];
}

async function launchCampaign(url: string): Promise<void> {
  const post = async (path: string, body?: unknown, key = ADMIN_KEY): Promise<{ id: string; key?: string }> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const segment = await post('/segments', { name: 'everyone', rule: { field: 'riskLevel', op: 'in', value: ['low'] } });
  const now = Date.now();
  const campaign = await post('/campaigns', {
    name: 'reminders under faults',
    purpose: 'service',
    audience: { segmentId: segment.id },
    plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 86_400_000).toISOString(),
  });
  // Its audience is above CAMPAIGN_APPROVAL_AUDIENCE_ABOVE: a second manager, not its author, approves it first.
  const approver = await post('/users', { username: 'fault-approver', displayName: 'Approver', role: 'campaign_manager' });
  const { key } = await post(`/users/${approver.id}/keys`, { label: 'bench' });
  await post(`/campaigns/${campaign.id}/approve`, undefined, key);
  await post(`/campaigns/${campaign.id}/launch`);
}

async function startHerald(env: NodeJS.ProcessEnv): Promise<{ process: HeraldProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = startHeraldProcess({ ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_BASE_URL: url });
  await waitForHealth(url, 60_000);
  return { process, url };
}

/** An immediate shutdown (SIGQUIT to the postmaster): no checkpoint, clients cut off — as a crash. */
function stopAsACrash(cluster: string): void {
  const pid = Number(readFileSync(join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGQUIT');
}

async function count(url: string, sql: string): Promise<number> {
  return withDatabase(url, async (db) => Number((await db.query(sql)).rows[0].count));
}

async function until(check: () => boolean | Promise<boolean>, withinMs: number, what: string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // the database may be restarting
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resume) => setTimeout(resume, everyMs));
  }
}

/** A small seeded generator: the same faults for the same seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
