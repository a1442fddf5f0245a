/**
 * `npm run bench:webhooks` — what comes back from customers, on a listening Herald with its own
 * database and a generated book:
 *  1. inbound SMS replies as Twilio posts them (form-encoded, signed; every one checked) with a
 *     realistic mix of free text, HELP, Y/N without an open case, STOP and START, 32 in flight
 *     over keep-alive, signed before the clock starts: requests per second and p99 latency;
 *  2. while a 100,000-message campaign drains through the running dispatcher (SMS to a local
 *     server speaking Twilio's REST API, pacing off), card transactions that open fraud cases:
 *     the time from POST /transactions to that server receiving the verification SMS, p99 — once
 *     with one Herald running both lanes, once with the bulk lane in a Herald process of its own
 *     (DISPATCH_LANES), as a deployment would run its bulk senders.
 * Twilio, the inbound load and the core system posting transactions each run in a process of
 * their own, as they would: none shares Herald's event loop.
 * Last line: JSON.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { UsersService } from '../src/auth/users.service';
import { TWILIO_WEBHOOK_PATHS } from '../src/channels/twilio-webhook.paths';
import { ManualClock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { freePort } from '../src/database/embedded-database';
import { PURPOSE_PRIORITY } from '../src/dispatch/contact-task.entity';
import { FakeTwilio, twilioSignature } from '../test/support/fake-twilio.server';
import { argument, benchDatabase, timed } from './support/bench-database';
import { descendantsCpu } from './support/process-cpu';

const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
const IN_FLIGHT = 32;
const HERALD_NUMBER = '+15005550006';

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];
const ms = (value: number) => Number(value.toFixed(1));

async function start(
  url: string,
  twilio: TwilioProcess,
  env: NodeJS.ProcessEnv,
): Promise<{ app: INestApplication; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...twilio.env,
    LOG_LEVEL: 'warn',
    PUBLIC_BASE_URL: base,
    SMS_PER_SECOND: '0',
    ...env,
  });
  const app = await createApp(config, url, { clock: new ManualClock(NOW) });
  await app.listen(port, '127.0.0.1');
  return { app, base };
}

/** What customers text back, in proportions a card centre sees. */
function replyBody(i: number): string {
  const mix = ['什么时候还款？', 'ok thanks', '我已经还了', 'HELP', 'Y', 'N', 'call me later', 'STOP', 'START', '收到'];
  return mix[i % mix.length];
}

/**
 * The load: a process of its own (as wrk or Twilio would be), so Herald's event loop is not
 * also the client's. Every request is built and signed before the clock starts and sent over
 * node:http with keep-alive (fetch costs the shared CPU twice as much), so the client takes as
 * little of the machine as it can. Reports its figures to the parent over IPC.
 */
async function inboundLoad(base: string, authToken: string, phones: string[], total: number) {
  const url = `${base}${TWILIO_WEBHOOK_PATHS.inboundSms}`;
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const requests = Array.from({ length: total }, (_, i) => {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params = {
      AccountSid: 'AC0',
      Body: replyBody(i),
      From: phones[i % phones.length],
      MessageSid: sid,
      SmsMessageSid: sid,
      NumMedia: '0',
      To: HERALD_NUMBER,
    };
    const body = Buffer.from(new URLSearchParams(params).toString());
    return {
      text: params.Body,
      body,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(body.length),
        'X-Twilio-Signature': twilioSignature(authToken, url, params),
      },
    };
  });
  const post = (r: (typeof requests)[number]) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: r.headers }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode!));
        res.once('error', reject);
      });
      req.once('error', reject);
      req.end(r.body);
    });
  const latencies: number[] = [];
  const byText = new Map<string, number[]>();
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const r = requests[next++];
      const started = performance.now();
      const status = await post(r);
      const took = performance.now() - started;
      latencies.push(took);
      if (!byText.has(r.text)) byText.set(r.text, []);
      byText.get(r.text)!.push(took);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const cpuBefore = process.cpuUsage();
  const [, took] = await timed(() => Promise.all(Array.from({ length: IN_FLIGHT }, worker)));
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    perSecond: Math.round(total / (took / 1000)),
    loadCpuUsPerRequest: Math.round((cpu.user + cpu.system) / total),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    p99ByText: Object.fromEntries([...byText].map(([text, values]) => [text, ms(percentile(values, 0.99))])),
    statuses: Object.fromEntries(statuses),
  };
}

type LoadResult = Awaited<ReturnType<typeof inboundLoad>> & { heraldCpuUsPerRequest: number; databaseCpuUsPerRequest: number };

/**
 * The load in a process of its own, and the CPU each request cost Herald (this process) and
 * PostgreSQL (this process's other descendants) as well as the load itself.
 */
function inbound(base: string, authToken: string, phones: string[], total: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const heraldBefore = process.cpuUsage();
    const databaseCpu = descendantsCpu([child.pid!]);
    child.once('message', (result: Awaited<ReturnType<typeof inboundLoad>>) => {
      const herald = process.cpuUsage(heraldBefore);
      resolve({
        ...result,
        heraldCpuUsPerRequest: Math.round((herald.user + herald.system) / total),
        databaseCpuUsPerRequest: Math.round((databaseCpu() * 1000) / total),
      });
    });
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`the load process exited with ${code}`)));
    child.send({ base, authToken, phones, total });
  });
}

type TwilioMessage =
  | { type: 'ready'; env: NodeJS.ProcessEnv; authToken: string }
  | { type: 'arrival'; to: string; at: number }
  | { type: 'count'; requests: number };

/** The local Twilio in its own process: it reports when a message to a watched number arrives. */
interface TwilioProcess {
  env: NodeJS.ProcessEnv;
  authToken: string;
  /** When the first message to a watched number arrived (the local Twilio's clock), once it has. */
  arrival(phone: string, timeoutMs: number): Promise<number>;
  watch(phones: string[]): void;
  requests(): Promise<number>;
  close(): void;
}

function twilioProcess(): Promise<TwilioProcess> {
  const child = fork(__filename, ['--twilio'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const arrivals = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  let counted: ((n: number) => void) | undefined;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: TwilioMessage) => {
      if (message.type === 'arrival') {
        if (arrivals.has(message.to)) return;
        arrivals.set(message.to, message.at);
        waiting.get(message.to)?.(message.at);
      } else if (message.type === 'count') counted?.(message.requests);
      else
        resolve({
          env: message.env,
          authToken: message.authToken,
          arrival: (phone, timeoutMs) =>
            arrivals.has(phone)
              ? Promise.resolve(arrivals.get(phone)!)
              : new Promise((resolve, fail) => {
                  const timer = setTimeout(() => fail(new Error(`no SMS to ${phone} within ${timeoutMs} ms`)), timeoutMs);
                  waiting.set(phone, (at) => {
                    clearTimeout(timer);
                    resolve(at);
                  });
                }),
          watch: (phones) => child.send({ watch: phones }),
          requests: () => new Promise((answer) => ((counted = answer), child.send({ count: true }))),
          close: () => child.kill(),
        });
    });
  });
}

type FraudRun = Awaited<ReturnType<typeof fraudWhileDraining>>;

/** Herald draining only the bulk lane, in a process of its own, as a deployment runs its bulk senders. */
function bulkSenderProcess(url: string, env: NodeJS.ProcessEnv): Promise<{ close(): Promise<void> }> {
  const child = fork(__filename, ['--bulk-sender'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // As a deployment would start it (`nice`): on a busy machine the API and fraud alerts come first.
  setPriority(child.pid!, 10);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () =>
      resolve({
        close: () =>
          new Promise((closed) => {
            child.once('exit', () => closed());
            child.send('stop');
          }),
      }),
    );
    child.send({ url, env });
  });
}

function serveBulkSender(): void {
  const serve = async ({ url, env }: { url: string; env: NodeJS.ProcessEnv }) => {
    const app = await createApp(
      loadConfig({ LOG_LEVEL: 'warn', PUBLIC_BASE_URL: 'http://127.0.0.1:1', SMS_PER_SECOND: '0', ...env }),
      url,
      {
        clock: new ManualClock(NOW),
      },
    );
    await app.init();
    process.send!('ready');
    process.once('message', () => void app.close().then(() => process.exit(0), exitOn));
  };
  process.once('message', (message: { url: string; env: NodeJS.ProcessEnv }) => void serve(message).catch(exitOn));
}

/** The bulk sender's own failure ends it, and with it the benchmark's wait for it. */
function exitOn(error: unknown): never {
  console.error(error);
  process.exit(1);
}

interface Posted {
  posted: number;
  status: number;
  text: string;
}

/**
 * The card centre's core system posting transactions: a process of its own, as it would be, so
 * that the time a transaction is sent is taken where it is sent (not on Herald's busy event loop).
 */
function coreSystemProcess(): { post(url: string, key: string, body: object): Promise<Posted>; close(): void } {
  const child = fork(__filename, ['--core'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let answer: { resolve: (posted: Posted) => void; reject: (error: Error) => void } | undefined;
  child.on('message', (posted: Posted) => answer?.resolve(posted));
  child.on('error', (error) => answer?.reject(error));
  return {
    post: (url, key, body) =>
      new Promise((resolve, reject) => {
        answer = { resolve, reject };
        child.send({ url, key, body });
      }),
    close: () => child.kill(),
  };
}

function serveCoreSystem(): void {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  process.on('message', ({ url, key, body }: { url: string; key: string; body: object }) => {
    const payload = Buffer.from(JSON.stringify(body));
    const headers = {
      Authorization: `Bearer ${key}`,
      'Content-Type': 'application/json',
      'Content-Length': String(payload.length),
    };
    const posted = Date.now();
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => process.send!({ posted, status: res.statusCode!, text }));
    });
    req.once('error', (error) => process.send!({ posted, status: 599, text: String(error) }));
    req.end(payload);
  });
}

async function serveTwilio(): Promise<void> {
  const twilio = await FakeTwilio.start();
  let watched = new Set<string>();
  twilio.onRequest = (request) => {
    const to = request.params.To;
    if (typeof to === 'string' && watched.has(to)) process.send!({ type: 'arrival', to, at: request.at.getTime() });
  };
  process.on('message', (message: { watch?: string[]; count?: true }) => {
    if (message.watch) watched = new Set(message.watch);
    if (message.count) process.send!({ type: 'count', requests: twilio.requests.length });
  });
  process.send!({ type: 'ready', env: twilio.env({ TWILIO_FROM_NUMBER: HERALD_NUMBER }), authToken: twilio.authToken });
}

async function fraudWhileDraining(
  app: INestApplication,
  base: string,
  twilio: TwilioProcess,
  campaign: number,
  transactions: number,
  run: number,
) {
  const db = app.get(DataSource);
  const users = app.get(UsersService);
  const core = await users.create({ username: `bench-core-${run}`, displayName: 'Core', role: 'integration' });
  const { key } = await users.issueKey(core.id, 'bench');
  // Transactions abroad for customers at home in China; the campaign goes to everyone else.
  const victims: { id: string; phone: string }[] = await db.query(
    `SELECT id, phone FROM customers WHERE phone IS NOT NULL AND country = 'CN' ORDER BY external_ref DESC LIMIT $1 OFFSET $2`,
    [transactions, run * transactions],
  );
  const customers: { id: string }[] = await db.query(
    `SELECT id FROM customers WHERE phone IS NOT NULL AND id <> ALL($1::uuid[]) ORDER BY external_ref LIMIT $2`,
    [victims.map((v) => v.id), campaign],
  );
  if (customers.length < campaign) throw new Error(`the book has only ${customers.length} other customers with a phone`);
  // The campaign's 100,000 SMS: due now, in the bulk lane, to other customers.
  await db.query(
    `INSERT INTO contact_tasks (customer_id, purpose, channel, template_key, priority, due_at)
     SELECT unnest($1::uuid[]), 'service', 'sms', 'repayment-reminder-before-due', $2, $3`,
    [customers.map((c) => c.id), PURPOSE_PRIORITY.service, new Date(NOW.getTime() - 60_000)],
  );
  twilio.watch(victims.map((v) => v.phone));
  const campaignStarted = await twilio.requests();
  const latencies: number[] = [];
  // Let the drain get going before the first transaction.
  while ((await twilio.requests()) - campaignStarted < Math.min(2_000, campaign / 5)) await new Promise((r) => setTimeout(r, 20));
  const coreSystem = coreSystemProcess();
  try {
    for (const [i, victim] of victims.entries()) {
      const { posted, status, text } = await coreSystem.post(`${base}/transactions`, key, {
        reference: `TXN-BENCH-${run}-${i}`,
        customerId: victim.id,
        amount: 880_000,
        currency: 'USD',
        merchant: 'BESTBUY.COM',
        country: 'US',
        city: 'New York',
        cardNotPresent: true,
        at: NOW.toISOString(),
      });
      if (status >= 300) throw new Error(`POST /transactions answered ${status}: ${text}`);
      latencies.push((await twilio.arrival(victim.phone, 10_000)) - posted);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    coreSystem.close();
  }
  const drained = (await twilio.requests()) - campaignStarted;
  return {
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: Math.max(...latencies),
    drainedDuring: drained,
  };
}

async function main(): Promise<void> {
  const book = argument('customers', 120_000);
  const replies = argument('replies', 20_000);
  const campaign = argument('campaign', 100_000);
  const transactions = argument('transactions', 200);
  const database = await benchDatabase('webhooks');
  const twilio = await twilioProcess();
  try {
    const seeder = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await seedCustomerBook(seeder, { customers: book, seed: 5, today: '2026-11-23' });
    await seeder.query('ANALYZE');
    const phones: string[] = (await seeder.query(`SELECT phone FROM customers WHERE phone IS NOT NULL LIMIT 5000`)).map(
      (r: { phone: string }) => r.phone,
    );

    const quiet = await start(database.url, twilio, { DISPATCH_ENABLED: 'false' });
    await inbound(quiet.base, twilio.authToken, phones, 1_000); // warm-up
    // What autovacuum does within a minute of the first replies. Without it the statements keep
    // the plans made while inbound_messages was empty (a scan of it where the index belongs).
    await seeder.query('ANALYZE');
    await seeder.destroy();
    const replies1 = await inbound(quiet.base, twilio.authToken, phones, replies);
    await quiet.app.close();
    console.log(
      `inbound SMS (signed, checked; ${IN_FLIGHT} in flight): ${replies1.perSecond} req/s, p50 ${ms(replies1.p50)} ms, p99 ${ms(replies1.p99)} ms` +
        ` — statuses ${Object.entries(replies1.statuses)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
    );
    console.log(
      `  CPU per request: Herald ${replies1.heraldCpuUsPerRequest} µs, PostgreSQL ${replies1.databaseCpuUsPerRequest} µs, ` +
        `load ${replies1.loadCpuUsPerRequest} µs (two cores: ${Math.round(2e6 / (replies1.heraldCpuUsPerRequest + replies1.databaseCpuUsPerRequest + replies1.loadCpuUsPerRequest))} req/s at most)`,
    );
    console.log(
      `  p99 by reply: ${Object.entries(replies1.p99ByText)
        .map(([text, p99]) => `${text} ${p99} ms`)
        .join(', ')}`,
    );

    const drain = { DISPATCH_ENABLED: 'true', DISPATCH_BATCH_SIZE: '500', SANDBOX_AUTO_CALLBACKS: 'false' };
    const report = (label: string, fraud: FraudRun) =>
      console.log(
        `fraud transaction → verification SMS at Twilio while a ${campaign.toLocaleString('en')}-SMS campaign drains (${label}): ` +
          `p50 ${ms(fraud.p50)} ms, p99 ${ms(fraud.p99)} ms, max ${ms(fraud.max)} ms (${fraud.drainedDuring} campaign SMS sent meanwhile)`,
      );
    // One Herald with both lanes: the campaign's provider calls share the event loop that screens.
    const single = await start(database.url, twilio, drain);
    const oneProcess = await fraudWhileDraining(single.app, single.base, twilio, campaign, transactions, 0);
    await single.app.close();
    report('one process, both lanes', oneProcess);
    // Bulk senders apart (DISPATCH_LANES): the API and the urgent lane in one process, the campaign
    // in another at its default batch size (shorter statements on the shared PostgreSQL).
    const bulk = await bulkSenderProcess(database.url, {
      ...twilio.env,
      ...drain,
      DISPATCH_BATCH_SIZE: '200',
      DISPATCH_LANES: 'bulk',
    });
    const api = await start(database.url, twilio, { ...drain, DISPATCH_LANES: 'urgent' });
    const split = await fraudWhileDraining(api.app, api.base, twilio, campaign, transactions, 1);
    await api.app.close();
    await bulk.close();
    report('bulk senders apart', split);
    console.log(
      JSON.stringify({
        inboundReqPerSec: replies1.perSecond,
        inboundP99Ms: ms(replies1.p99),
        fraudToSendP99Ms: ms(split.p99),
        fraudToSendP99MsOneProcess: ms(oneProcess.p99),
      }),
    );
  } finally {
    twilio.close();
    await database.drop();
  }
}

if (process.argv.includes('--load')) {
  process.once('message', (job: { base: string; authToken: string; phones: string[]; total: number }) => {
    inboundLoad(job.base, job.authToken, job.phones, job.total).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
} else if (process.argv.includes('--bulk-sender')) {
  serveBulkSender();
} else if (process.argv.includes('--core')) {
  serveCoreSystem();
} else if (process.argv.includes('--twilio')) {
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
