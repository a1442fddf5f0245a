/**
 * `npm run bench:peers` — Herald's outbox against the queues a team would pick instead, on the
 * same embedded PostgreSQL, the same SMS to the same local Twilio through the real `twilio` SDK
 * (the same HTTP client, 64 keep-alive sockets), in interleaved rounds (H, B, G, H, B, G, …):
 *  H. Herald's whole pipeline: claim, policy re-check, render, attempt, send, record; pacing off,
 *     the settings bench:dispatch uses (DISPATCH_BATCH_SIZE 1000, DISPATCH_CONCURRENCY 512);
 *  B. pg-boss: a job per message, inserted in bulk (`insert`), workers fetching `batchSize` jobs
 *     and sending them all at once;
 *  G. graphile-worker: a job per message, added in bulk (`addJobs`), `concurrency` jobs at once
 *     fed from its local queue, completions batched.
 * The same number of sends in flight for all three (BENCH_CONCURRENCY, default 512). The peers
 * send the very text Herald rendered, with a status callback like Herald's, and do nothing else:
 * no consent, quiet hours or frequency check, no attempt row. The local Twilio runs in a process
 * of its own, so its CPU is neither the bench's nor PostgreSQL's.
 * `--customers N`: the book (300,000 by default, or BENCH_BOOK; as bench:dispatch).
 * Env: BENCH_SMS (100,000), BENCH_ROUNDS (3), BENCH_PGBOSS_WORKERS (4),
 * BENCH_GRAPHILE_COMPLETE_DELAY_MS (250), BENCH_GRAPHILE_POOL (10).
 * Last line: JSON.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Logger, makeWorkerUtils, run as graphileRun, runMigrations as graphileMigrations } from 'graphile-worker';
import PgBoss from 'pg-boss';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import twilio from 'twilio';
import { createTwilioClient } from '../src/channels/twilio-request.client';
import { statusCallbackUrl, TWILIO_WEBHOOK_PATHS } from '../src/channels/twilio-webhook.paths';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { FakeTwilio } from '../test/support/fake-twilio.server';
import { argument, benchDatabase, timed } from './support/bench-database';
import { BASE_ENV, drain, heraldApp, queueAlerts } from './support/dispatch-drain';
import { descendantsCpu } from './support/process-cpu';

const SMS = Number(process.env.BENCH_SMS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BOOK = argument('customers', Number(process.env.BENCH_BOOK ?? 300_000));
const CONCURRENCY = Number(BASE_ENV.DISPATCH_CONCURRENCY);
const PGBOSS_WORKERS = Number(process.env.BENCH_PGBOSS_WORKERS ?? 4);
const PGBOSS_BATCH = Math.ceil(CONCURRENCY / PGBOSS_WORKERS);
const GRAPHILE_COMPLETE_DELAY_MS = Number(process.env.BENCH_GRAPHILE_COMPLETE_DELAY_MS ?? 250);
const GRAPHILE_POOL = Number(process.env.BENCH_GRAPHILE_POOL ?? 10);
const HERALD_NUMBER = '+15005550006';
const QUEUE = 'sms';
const ENQUEUE_CHUNK = 10_000;

interface Recipient {
  to: string;
  ref: string;
}
interface SmsJob extends Recipient {
  body: string;
}
interface RoundResult {
  perSecond: number;
  nodeCpuUsPerSms: number;
  databaseCpuUsPerSms: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
};
const version = (name: string) =>
  (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;

// ---- the local Twilio, in a process of its own -------------------------------------------------

type TwilioMessage = { type: 'ready'; env: NodeJS.ProcessEnv } | { type: 'count'; requests: number; firstBody: string | null };

interface TwilioProcess {
  env: NodeJS.ProcessEnv;
  pid: number;
  /** Create requests it answered since the last `forget`, and the first one's text. */
  count(): Promise<{ requests: number; firstBody: string | null }>;
  forget(): void;
  close(): void;
}

function twilioProcess(): Promise<TwilioProcess> {
  const child = fork(__filename, ['--twilio'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let counted: ((answer: { requests: number; firstBody: string | null }) => void) | undefined;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: TwilioMessage) => {
      if (message.type === 'count') counted?.(message);
      else
        resolve({
          env: message.env,
          pid: child.pid!,
          count: () => new Promise((answer) => ((counted = answer), child.send({ count: true }))),
          forget: () => child.send({ forget: true }),
          close: () => child.kill(),
        });
    });
  });
}

async function serveTwilio(): Promise<void> {
  const fake = await FakeTwilio.start();
  let firstBody: string | null = null;
  process.on('message', (message: { count?: true; forget?: true }) => {
    if (message.forget) {
      fake.forget();
      firstBody = null;
    }
    if (message.count) {
      firstBody ??= fake.messages[0]?.body ?? null;
      process.send!({ type: 'count', requests: fake.messages.length, firstBody });
    }
  });
  process.send!({ type: 'ready', env: fake.env({ TWILIO_FROM_NUMBER: HERALD_NUMBER }) });
}

// ---- the three contestants --------------------------------------------------------------------

/** CPU of this process (Node) and of PostgreSQL per SMS over `work`, and its rate. */
async function measured(sent: number, twilioPid: number, work: () => Promise<void>): Promise<RoundResult> {
  const [node, database] = [process.cpuUsage(), descendantsCpu([twilioPid])];
  const [, ms] = await timed(work);
  const { user, system } = process.cpuUsage(node);
  return {
    perSecond: Math.round(sent / (ms / 1000)),
    nodeCpuUsPerSms: Math.round((user + system) / sent),
    databaseCpuUsPerSms: Math.round((database() * 1000) / sent),
  };
}

async function herald(url: string, local: TwilioProcess, round: number): Promise<RoundResult> {
  const app = await heraldApp(url, local.env);
  try {
    await queueAlerts(app.get(DataSource), `peers-${round}`, SMS);
    const result = await drain(app, [local.pid]);
    if (result.sent !== SMS) throw new Error(`Herald sent ${result.sent} of ${SMS}`);
    return result;
  } finally {
    await app.close();
  }
}

/** Sends one job's SMS as a Herald send would look to Twilio: same sender, text and callback. */
function sender(local: TwilioProcess): (job: SmsJob, id: string) => Promise<void> {
  const client: twilio.Twilio = createTwilioClient(
    {
      accountSid: local.env.TWILIO_ACCOUNT_SID!,
      authToken: local.env.TWILIO_AUTH_TOKEN!,
      apiBaseUrl: local.env.TWILIO_API_BASE_URL,
      messagingServiceSid: undefined,
      fromNumber: HERALD_NUMBER,
    },
    { timeoutMs: 10_000 },
  );
  return async (job, id) => {
    await client.messages.create({
      to: job.to,
      from: HERALD_NUMBER,
      body: job.body,
      statusCallback: statusCallbackUrl(BASE_ENV.PUBLIC_BASE_URL, TWILIO_WEBHOOK_PATHS.messageStatus, id),
    });
  };
}

/** Resolves once `check` says so, asking every 20 ms. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/**
 * pg-boss as its documentation recommends for throughput: jobs inserted in bulk, each worker
 * fetching a batch (`batchSize`) and several workers (`work` called once per worker; v10 has no
 * teamSize). Its workers sleep out `pollingIntervalSeconds` (0.5 s at least) after every batch
 * unless notified; a worker that fetched a full batch notifies itself (`notifyWorker`, the API
 * meant for this), else pg-boss would cap itself at concurrency / 0.5 s.
 */
async function pgBoss(
  url: string,
  pool: Pool,
  recipients: Recipient[],
  body: string,
  local: TwilioProcess,
): Promise<RoundResult> {
  const boss = new PgBoss({ connectionString: url, schedule: false, supervise: false, pollingIntervalSeconds: 0.5 });
  boss.on('error', (error) => console.error('pg-boss:', error));
  await boss.start();
  try {
    await boss.createQueue(QUEUE);
    await pool.query('TRUNCATE pgboss.job');
    for (let i = 0; i < recipients.length; i += ENQUEUE_CHUNK) {
      await boss.insert(recipients.slice(i, i + ENQUEUE_CHUNK).map((r) => ({ name: QUEUE, data: { ...r, body } })));
    }
    await pool.query('ANALYZE pgboss.job');
    const send = sender(local);
    let sent = 0;
    return await measured(recipients.length, local.pid, async () => {
      let done!: () => void;
      const allSent = new Promise<void>((resolve) => (done = resolve));
      for (let w = 0; w < PGBOSS_WORKERS; w++) {
        const id: string = await boss.work<SmsJob>(QUEUE, { batchSize: PGBOSS_BATCH }, async (jobs) => {
          if (jobs.length === PGBOSS_BATCH) boss.notifyWorker(id);
          await Promise.all(jobs.map((job) => send(job.data, job.id)));
          sent += jobs.length;
          if (sent >= recipients.length) done();
        });
      }
      await allSent;
      // Done when pg-boss has written every job down as completed, as Herald's drain ends when recorded.
      await until(
        async () =>
          (await pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [QUEUE])).rows[0]
            .n >= recipients.length,
      );
    });
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}

/**
 * graphile-worker as its performance page recommends: jobs added in bulk (`addJobs`),
 * `concurrency` jobs at once served from a local queue (size concurrency + 1, its suggested
 * start) so a worker needs no round trip per job, completions batched (completeJobBatchDelay).
 * The pool at 10 (BENCH_GRAPHILE_POOL): its tasks do not use it, and with the local queue a job
 * holds no connection; graphile-worker warns that a pool smaller than concurrency may be slower.
 */
async function graphileWorker(
  url: string,
  pool: Pool,
  recipients: Recipient[],
  body: string,
  local: TwilioProcess,
): Promise<RoundResult> {
  const utils = await makeWorkerUtils({ connectionString: url });
  try {
    await pool.query('TRUNCATE graphile_worker._private_jobs CASCADE');
    for (let i = 0; i < recipients.length; i += ENQUEUE_CHUNK) {
      await utils.addJobs(recipients.slice(i, i + ENQUEUE_CHUNK).map((r) => ({ identifier: QUEUE, payload: { ...r, body } })));
    }
    await pool.query('ANALYZE graphile_worker._private_jobs');
  } finally {
    await utils.release();
  }
  const send = sender(local);
  let sent = 0;
  return measured(recipients.length, local.pid, async () => {
    let done!: () => void;
    const allSent = new Promise<void>((resolve) => (done = resolve));
    const runner = await graphileRun({
      connectionString: url,
      concurrency: CONCURRENCY,
      noHandleSignals: true,
      pollInterval: 2000,
      logger: quietGraphileLogger,
      taskList: {
        [QUEUE]: async (payload, helpers) => {
          await send(payload as SmsJob, helpers.job.id);
          if (++sent >= recipients.length) done();
        },
      },
      preset: {
        worker: {
          maxPoolSize: GRAPHILE_POOL,
          localQueue: { size: CONCURRENCY + 1 },
          completeJobBatchDelay: GRAPHILE_COMPLETE_DELAY_MS,
          failJobBatchDelay: GRAPHILE_COMPLETE_DELAY_MS,
        },
      },
    });
    try {
      await allSent;
      await until(async () => (await pool.query(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`)).rows[0].n === 0);
    } finally {
      await runner.stop();
    }
  });
}

// graphile-worker logs every job at info; warnings and errors still show.
const quietGraphileLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') console.error(`graphile-worker ${level}: ${message}`);
});

// ---- the run ----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const database = await benchDatabase('peers');
  const local = await twilioProcess();
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    const seeder = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    const [, seedMs] = await timed(() => seedCustomerBook(seeder, { customers: BOOK, seed: 11, today: '2026-11-23' }));
    await seeder.query('ANALYZE');
    // The peers send to the very customers Herald does (queueAlerts' first SMS with a phone).
    const recipients: Recipient[] = (
      await seeder.query(
        `SELECT phone AS to, 'peers-' || id AS ref FROM customers WHERE phone IS NOT NULL ORDER BY external_ref LIMIT $1`,
        [SMS],
      )
    ).map((r: Recipient) => ({ to: r.to, ref: r.ref }));
    await seeder.destroy();
    if (recipients.length < SMS)
      throw new Error(`the book has only ${recipients.length} customers with a phone; raise --customers`);
    await graphileMigrations({ connectionString: database.url, logger: quietGraphileLogger });
    console.log(`book: ${BOOK} generated customers in ${(seedMs / 1000).toFixed(1)} s; ${SMS} SMS a round, ${ROUNDS} rounds`);
    console.log(
      `pg-boss ${version('pg-boss')} (${PGBOSS_WORKERS} workers × batchSize ${PGBOSS_BATCH}), ` +
        `graphile-worker ${version('graphile-worker')} (concurrency ${CONCURRENCY}, local queue ${CONCURRENCY + 1}, pool ${GRAPHILE_POOL}, ` +
        `completeJobBatchDelay ${GRAPHILE_COMPLETE_DELAY_MS} ms), Herald (DISPATCH_CONCURRENCY ${CONCURRENCY}, ` +
        `DISPATCH_BATCH_SIZE ${BASE_ENV.DISPATCH_BATCH_SIZE}); load average ${loadavg()[0].toFixed(1)}`,
    );

    const results: Record<'herald' | 'pgBoss' | 'graphileWorker', RoundResult[]> = { herald: [], pgBoss: [], graphileWorker: [] };
    let body: string | null = null;
    const report = (round: number, name: string, result: RoundResult) =>
      console.log(
        `round ${round} ${name.padEnd(15)} ${String(result.perSecond).padStart(5)} SMS/s; CPU per SMS: Node ${result.nodeCpuUsPerSms} µs, ` +
          `PostgreSQL ${result.databaseCpuUsPerSms} µs; load ${loadavg()[0].toFixed(1)}`,
      );
    const checked = async (name: string) => {
      const { requests } = await local.count();
      if (requests !== SMS) throw new Error(`${name}: the local Twilio made ${requests} messages, not ${SMS}`);
      local.forget();
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const h = await herald(database.url, local, round);
      body ??= (await local.count()).firstBody;
      if (!body) throw new Error('Herald sent no text to copy');
      await checked('Herald');
      results.herald.push(h);
      report(round, 'Herald', h);

      const b = await pgBoss(database.url, pool, recipients, body, local);
      await checked('pg-boss');
      results.pgBoss.push(b);
      report(round, 'pg-boss', b);

      const g = await graphileWorker(database.url, pool, recipients, body, local);
      await checked('graphile-worker');
      results.graphileWorker.push(g);
      report(round, 'graphile-worker', g);
    }

    const summary = (name: string, rounds: RoundResult[]) =>
      console.log(
        `${name.padEnd(15)} median ${median(rounds.map((r) => r.perSecond))} SMS/s (rounds ${rounds.map((r) => r.perSecond).join(', ')}); ` +
          `CPU per SMS, median: Node ${median(rounds.map((r) => r.nodeCpuUsPerSms))} µs, PostgreSQL ${median(rounds.map((r) => r.databaseCpuUsPerSms))} µs`,
      );
    summary('Herald', results.herald);
    summary('pg-boss', results.pgBoss);
    summary('graphile-worker', results.graphileWorker);
    const heraldPerSec = median(results.herald.map((r) => r.perSecond));
    const pgBossPerSec = median(results.pgBoss.map((r) => r.perSecond));
    const graphileWorkerPerSec = median(results.graphileWorker.map((r) => r.perSecond));
    console.log(
      JSON.stringify({
        heraldPerSec,
        pgBossPerSec,
        graphileWorkerPerSec,
        heraldVsBestPeer: Number((heraldPerSec / Math.max(pgBossPerSec, graphileWorkerPerSec)).toFixed(2)),
      }),
    );
  } finally {
    await pool.end();
    local.close();
    await database.drop();
  }
}

if (process.argv.includes('--twilio')) {
  serveTwilio().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
