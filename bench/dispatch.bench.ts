/**
 * `npm run bench:dispatch [-- --customers N]` — the outbox pipeline (claim, policy, render, send, record) on its own
 * database with a generated book:
 *  1. materialising a 300,000-customer campaign run (one INSERT … SELECT), against the naive way
 *     (TypeORM `save` in chunks) on a sample;
 *  2. 100,000 SMS through the sandbox channel, pacing off;
 *  3. 100,000 SMS through the real twilio SDK to a local server speaking Twilio's REST API, pacing off;
 *  4. the same with pacing on: the rate Twilio sees, and its busiest calendar second over the limit.
 * Fraud alerts are the SMS (they may go at any hour, so the figures do not depend on the time of day).
 * Last line: JSON.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { UsersService } from '../src/auth/users.service';
import { CampaignApprovals } from '../src/campaigns/campaign-approvals.service';
import { CampaignLauncher } from '../src/campaigns/campaign-launcher';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { ContactTask, PURPOSE_PRIORITY } from '../src/dispatch/contact-task.entity';
import { SegmentsService } from '../src/segments/segments.service';
import { freePort } from '../src/database/embedded-database';
import { FakeTwilio } from '../test/support/fake-twilio.server';
import { startHeraldProcess, waitForHealth } from '../test/support/herald-process';
import { argument, benchDatabase, timed } from './support/bench-database';
import { BASE_ENV, drain, heraldApp as app, NOW, queueAlerts } from './support/dispatch-drain';

const BOOK = argument('customers', Number(process.env.BENCH_BOOK ?? 300_000));
const SMS = Number(process.env.BENCH_SMS ?? 100_000);
const PACED_LIMIT = Number(process.env.BENCH_PACED_LIMIT ?? 200);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 15);
const NAIVE_SAMPLE = 20_000;
/** `BENCH_INSTANCES=1,2,4`: also drain SMS with that many Herald processes on the one database (docs/scaling.md). */
const INSTANCES = (process.env.BENCH_INSTANCES ?? '')
  .split(',')
  .filter(Boolean)
  .map((n) => Number(n));

async function materialise(url: string): Promise<{ created: number; ms: number; naiveRowsPerSec: number }> {
  const instance = await app(url, {});
  try {
    const users = instance.get(UsersService);
    const manager = await users.create({ username: 'bench', displayName: 'Bench', role: 'campaign_manager' });
    const principal = { userId: manager.id, username: 'bench', role: 'campaign_manager' as const };
    const segment = await instance
      .get(SegmentsService)
      .create(
        { name: 'everyone with a risk level', rule: { field: 'riskLevel', op: 'in', value: ['low', 'medium', 'high'] } },
        manager.id,
      );
    const campaign = await instance.get(CampaignsService).create(
      {
        name: 'bench reminders',
        purpose: 'service',
        audience: { segmentId: segment.id },
        plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
        startsAt: '2026-11-24T00:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      },
      principal,
    );
    // The whole book is above CAMPAIGN_APPROVAL_AUDIENCE_ABOVE: a second manager approves it, as a centre would.
    const approver = await users.create({ username: 'bench-approver', displayName: 'Bench approver', role: 'campaign_manager' });
    await instance
      .get(CampaignApprovals)
      .approve(campaign.id, { userId: approver.id, username: 'bench-approver', role: 'campaign_manager' });
    const launcher = instance.get(CampaignLauncher);
    const launched = await launcher.launch(campaign.id);
    const [created, ms] = await timed(() => launcher.startRun(launched, 'bench'));

    const db = instance.get(DataSource);
    const sample: Partial<ContactTask>[] = (await db.query(`SELECT id FROM customers ORDER BY id LIMIT $1`, [NAIVE_SAMPLE])).map(
      (c: { id: string }) => ({
        customerId: c.id,
        purpose: 'service',
        channel: 'sms',
        templateKey: 'repayment-reminder-before-due',
        priority: PURPOSE_PRIORITY.service,
        dueAt: NOW,
      }),
    );
    const [, naiveMs] = await timed(async () => {
      for (let i = 0; i < sample.length; i += 1000) await db.getRepository(ContactTask).save(sample.slice(i, i + 1000));
    });
    return { created, ms, naiveRowsPerSec: Math.round(sample.length / (naiveMs / 1000)) };
  } finally {
    await instance.close();
  }
}

async function paced(url: string, twilio: FakeTwilio): Promise<{ ratePerSec: number; peakOverLimit: number; seconds: number[] }> {
  const instance = await app(url, { ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }), SMS_PER_SECOND: String(PACED_LIMIT) });
  try {
    const db = instance.get(DataSource);
    await queueAlerts(db, 'paced', PACED_LIMIT * PACED_SECONDS);
    await db.query('DELETE FROM sender_pacing');
    // The 200,000 messages of the runs before, kept in this process, would make the local Twilio's
    // collector pause, and a pause bunches the requests it stamps: Twilio's clock, not Herald's pace.
    twilio.forget();
    await drain(instance);
    const times = twilio.requests.map((r) => r.at.getTime());
    const perSecond = new Map<number, number>();
    for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    const seconds = [...perSecond.entries()].sort(([a], [b]) => a - b).map(([, n]) => n);
    const span = (Math.max(...times) - Math.min(...times)) / 1000;
    return {
      ratePerSec: Number(((times.length - 1) / span).toFixed(1)),
      peakOverLimit: Number((Math.max(...seconds) / PACED_LIMIT).toFixed(3)),
      seconds,
    };
  } finally {
    await instance.close();
  }
}

/**
 * SMS through the twilio SDK drained by `count` Herald server processes at once (dist/src/main.js,
 * as deployed: each with both lanes, its own pool and DISPATCH_CONCURRENCY), all on one
 * database: started and healthy first, then the tasks queued; the rate the local Twilio saw.
 */
async function instances(url: string, twilio: FakeTwilio, count: number): Promise<{ perSecond: number; sent: number }> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const processes = ports.map((port) =>
    startHeraldProcess({
      ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PUBLIC_BASE_URL: 'http://herald.bench',
      DISPATCH_BATCH_SIZE: BASE_ENV.DISPATCH_BATCH_SIZE,
      DISPATCH_CONCURRENCY: BASE_ENV.DISPATCH_CONCURRENCY,
      SMS_PER_SECOND: '0',
      ALERTS_JOB_ENABLED: 'false',
      REPAYMENT_JOB_ENABLED: 'false',
    }),
  );
  const db = await new DataSource({ type: 'postgres', url }).initialize();
  try {
    await Promise.all(ports.map((port) => waitForHealth(`http://127.0.0.1:${port}`, 120_000)));
    const from = twilio.requests.length;
    const started = performance.now();
    await queueAlerts(db, `instances-${count}`, SMS);
    for (;;) {
      const [{ open }] = await db.query(
        `SELECT count(*)::int AS open FROM contact_tasks WHERE status IN ('pending', 'claimed', 'sending')`,
      );
      if (open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const sent = twilio.requests.length - from;
    return { sent, perSecond: Math.round(sent / ((performance.now() - started) / 1000)) };
  } finally {
    await db.destroy();
    for (const herald of processes) herald.child.kill('SIGTERM');
    await Promise.all(processes.map((herald) => herald.exited));
  }
}

async function main(): Promise<void> {
  const database = await benchDatabase('dispatch');
  const twilio = await FakeTwilio.start();
  try {
    const seeder = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    const [, seedMs] = await timed(() => seedCustomerBook(seeder, { customers: BOOK, seed: 11, today: '2026-11-23' }));
    await seeder.query('ANALYZE');
    await seeder.destroy();
    console.log(`book: ${BOOK} generated customers in ${(seedMs / 1000).toFixed(1)} s`);

    const run = await materialise(database.url);
    console.log(
      `materialise: ${run.created} tasks in ${run.ms.toFixed(0)} ms (${Math.round(run.created / (run.ms / 1000))}/s);` +
        ` naive TypeORM save in chunks: ${run.naiveRowsPerSec}/s on ${NAIVE_SAMPLE}, ~${Math.round((run.created / run.naiveRowsPerSec) * 1000)} ms for the run`,
    );

    const sandboxApp = await app(database.url, {});
    await queueAlerts(sandboxApp.get(DataSource), 'sandbox', SMS);
    const sandbox = await drain(sandboxApp);
    await sandboxApp.close();
    console.log(
      `sandbox: ${sandbox.sent} SMS at ${sandbox.perSecond}/s (claim, policy, render, send, record; pacing off);` +
        ` CPU per SMS: Node ${sandbox.nodeCpuUsPerSms} µs, PostgreSQL ${sandbox.databaseCpuUsPerSms} µs`,
    );

    const sdkApp = await app(database.url, twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }));
    await queueAlerts(sdkApp.get(DataSource), 'sdk', SMS);
    const sdk = await drain(sdkApp);
    await sdkApp.close();
    console.log(
      `twilio SDK → local Twilio: ${sdk.sent} SMS at ${sdk.perSecond}/s (pacing off);` +
        ` CPU per SMS: Node ${sdk.nodeCpuUsPerSms} µs (the local Twilio's included), PostgreSQL ${sdk.databaseCpuUsPerSms} µs`,
    );

    const pace = await paced(database.url, twilio);
    console.log(
      `paced at ${PACED_LIMIT}/s: ${pace.ratePerSec}/s as Twilio saw it (${((1 - pace.ratePerSec / PACED_LIMIT) * 100).toFixed(2)}% under);` +
        ` busiest second ${Math.round(pace.peakOverLimit * PACED_LIMIT)} (${pace.peakOverLimit} of the limit); per second: ${pace.seconds.join(' ')}`,
    );

    const scaleOut: Record<string, number> = {};
    for (const count of INSTANCES) {
      const result = await instances(database.url, twilio, count);
      scaleOut[`instances${count}PerSec`] = result.perSecond;
      console.log(
        `${count} Herald process(es) on one database: ${result.sent} SMS through the twilio SDK at ${result.perSecond}/s`,
      );
    }

    console.log(
      JSON.stringify({
        ...scaleOut,
        sandboxPerSec: sandbox.perSecond,
        twilioSdkPerSec: sdk.perSecond,
        materialiseMs: Math.round(run.ms),
        pacedPeakOverLimit: pace.peakOverLimit,
        pacedRatePerSec: pace.ratePerSec,
        naiveMaterialiseRowsPerSec: run.naiveRowsPerSec,
      }),
    );
  } finally {
    await twilio.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
