import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { ManualClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { PURPOSE_PRIORITY } from '../../src/dispatch/contact-task.entity';
import { BatchReport, Dispatcher } from '../../src/dispatch/dispatcher';
import { LANES } from '../../src/dispatch/outbox.repository';
import { timed } from './bench-database';
import { descendantsCpu } from './process-cpu';

/**
 * Herald's outbox drained flat out, as bench:dispatch and bench:peers both measure it: fraud
 * alerts (they may go at any hour, so the figures do not depend on the time of day), pacing off,
 * Herald's recommended dispatch settings.
 */

export const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
const [URGENT] = LANES;
const FRAUD_VARIABLES = {
  txn: { amount: 880000, currency: 'CNY', merchant: 'JD.com', at: '2026-11-23T01:58:00Z', reference: '4821' },
};

export const BASE_ENV = {
  LOG_LEVEL: 'warn',
  DISPATCH_ENABLED: 'false',
  DISPATCH_BATCH_SIZE: '1000',
  DISPATCH_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '512',
  SANDBOX_AUTO_CALLBACKS: 'false',
  SMS_PER_SECOND: '0',
  PUBLIC_BASE_URL: 'http://herald.bench',
};

export async function heraldApp(url: string, env: NodeJS.ProcessEnv): Promise<INestApplication> {
  const instance = await createApp(loadConfig({ ...BASE_ENV, ...env }), url, { clock: new ManualClock(NOW) });
  await instance.init();
  return instance;
}

/** One fraud alert for each of the first `count` customers with a phone, due now. */
export async function queueAlerts(db: DataSource, run: string, count: number): Promise<void> {
  await db.query(`TRUNCATE contact_tasks CASCADE`);
  await db.query(
    `INSERT INTO contact_tasks (customer_id, subject_ref, purpose, channel, template_key, variables, priority, due_at)
     SELECT id, $1 || id, 'fraud', 'sms', 'fraud-verification', $2, $3, $4
       FROM customers WHERE phone IS NOT NULL ORDER BY external_ref LIMIT $5`,
    [`${run}-`, JSON.stringify(FRAUD_VARIABLES), PURPOSE_PRIORITY.fraud, new Date(NOW.getTime() - 60_000), count],
  );
  await db.query('ANALYZE contact_tasks');
}

export interface DrainResult {
  sent: number;
  perSecond: number;
  nodeCpuUsPerSms: number;
  databaseCpuUsPerSms: number;
}

/**
 * Two loops in one process, as the dispatcher's two lanes would run (claims and renders of one
 * overlap the other's), each claiming again as soon as the senders run short; returns sends per
 * second. `exceptPids`: descendants whose CPU is not PostgreSQL's (a local Twilio of the bench's own).
 */
export async function drain(instance: INestApplication, exceptPids: readonly number[] = []): Promise<DrainResult> {
  const dispatcher = instance.get(Dispatcher);
  const batches: Promise<BatchReport>[] = [];
  const loop = async () => {
    for (;;) {
      const batch = await dispatcher.start(URGENT);
      if (batch.claimed === 0) return;
      batches.push(batch.finished);
      if (process.env.BENCH_TRACE) void batch.finished.then((report) => console.log(JSON.stringify(report)));
      await dispatcher.room(URGENT);
    }
  };
  const [node, database] = [process.cpuUsage(), descendantsCpu(exceptPids)];
  const [reports, ms] = await timed(async () => {
    await Promise.all([loop(), loop()]);
    return Promise.all(batches);
  });
  const { user, system } = process.cpuUsage(node);
  const sent = reports.reduce((sum, report) => sum + report.sent, 0);
  return {
    sent,
    perSecond: Math.round(sent / (ms / 1000)),
    nodeCpuUsPerSms: Math.round((user + system) / sent),
    databaseCpuUsPerSms: Math.round((database() * 1000) / sent),
  };
}
