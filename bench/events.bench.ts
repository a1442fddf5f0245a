/**
 * `npm run bench:events` — outbound events while a 100,000-SMS send drains: every SMS the
 * provider takes is a `contact.sent` event for a subscriber on loopback (a plain HTTP server
 * answering 204, in a process of its own). The dispatcher drains the outbox through the sandbox channel as fast as it can;
 * the courier delivers at the same time. Measured: events delivered per second (first to last
 * received) and the lag of each event (received − occurredAt, the commit of its send), p50/p99.
 * Last line: JSON.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/app-config';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { PURPOSE_PRIORITY } from '../src/dispatch/contact-task.entity';
import { BatchReport, Dispatcher } from '../src/dispatch/dispatcher';
import { LANES } from '../src/dispatch/outbox.repository';
import { EventSubscriptionsRepository } from '../src/events/event-subscriptions.repository';
import { benchDatabase, timed } from './support/bench-database';

const SMS = Number(process.env.BENCH_SMS ?? 100_000);
const [URGENT] = LANES;
const FRAUD_VARIABLES = {
  txn: { amount: 880000, currency: 'CNY', merchant: 'JD.com', at: '2026-11-23T01:58:00Z', reference: '4821' },
};

interface Arrivals {
  lags: number[];
  arrivals: number[];
}

/**
 * The subscriber, in a process of its own as a real one would be (its HTTP work is not Herald's
 * event loop's): a plain HTTP server answering 204 that notes when each event arrived and how late.
 */
function receiver(): Promise<{ url: string; arrived: () => Promise<Arrivals>; close: () => void }> {
  const child = fork(__filename, ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let answer: ((arrivals: Arrivals) => void) | undefined;
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: { url: string } | Arrivals) => {
      if ('url' in message)
        resolve({
          url: message.url,
          arrived: () => new Promise((resolved) => ((answer = resolved), child.send('report'))),
          close: () => child.kill(),
        });
      else answer?.(message);
    });
  });
}

async function serveReceiver(): Promise<void> {
  const noted: Arrivals = { lags: [], arrivals: [] };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const now = Date.now();
      noted.arrivals.push(now);
      noted.lags.push(now - Date.parse((JSON.parse(body) as { occurredAt: string }).occurredAt));
      response.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  process.on('message', () => process.send!(noted));
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events` });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const database = await benchDatabase('events');
  const subscriber = await receiver();
  let instance: INestApplication | undefined;
  try {
    const seeder = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await seedCustomerBook(seeder, { customers: Math.ceil(SMS * 1.1), seed: 11, today: '2026-11-23' });
    await seeder.query('ANALYZE');
    await seeder.destroy();

    // The system clock: an event's occurredAt is when its send was recorded, so the lag is real.
    instance = await createApp(
      loadConfig({
        LOG_LEVEL: 'warn',
        DISPATCH_ENABLED: 'false',
        DISPATCH_BATCH_SIZE: '1000',
        DISPATCH_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '512',
        SANDBOX_AUTO_CALLBACKS: 'false',
        SMS_PER_SECOND: '0',
        PUBLIC_BASE_URL: 'http://herald.bench',
        EVENTS_POLL_MS: '20',
        EVENTS_BATCH_SIZE: process.env.BENCH_EVENTS_BATCH ?? '500',
      }),
      database.url,
    );
    await instance.init();
    const db = instance.get(DataSource);
    await instance.get(EventSubscriptionsRepository).create({
      name: 'bench',
      url: subscriber.url,
      eventTypes: ['contact.sent'],
      secret: 'bench-secret-0123456789',
      createdBy: null,
    });
    // Fraud alerts: they may go at any hour, so the figures do not depend on the time of day.
    await db.query(
      `INSERT INTO contact_tasks (customer_id, subject_ref, purpose, channel, template_key, variables, priority, due_at)
       SELECT id, 'bench-' || id, 'fraud', 'sms', 'fraud-verification', $1, $2, now() - interval '1 minute'
         FROM customers WHERE phone IS NOT NULL ORDER BY external_ref LIMIT $3`,
      [JSON.stringify(FRAUD_VARIABLES), PURPOSE_PRIORITY.fraud, SMS],
    );
    await db.query('ANALYZE contact_tasks');

    const dispatcher = instance.get(Dispatcher);
    const batches: Promise<BatchReport>[] = [];
    const loop = async () => {
      for (;;) {
        const batch = await dispatcher.start(URGENT);
        if (batch.claimed === 0) return;
        batches.push(batch.finished);
        await dispatcher.room(URGENT);
      }
    };
    const [sent, drainMs] = await timed(async () => {
      await Promise.all([loop(), loop()]);
      return (await Promise.all(batches)).reduce((sum, report) => sum + report.sent, 0);
    });
    const deadline = Date.now() + 300_000;
    let noted = await subscriber.arrived();
    while (noted.arrivals.length < sent && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      noted = await subscriber.arrived();
    }

    const received = noted.arrivals.length;
    const span = (noted.arrivals.reduce((a, b) => Math.max(a, b)) - noted.arrivals.reduce((a, b) => Math.min(a, b))) / 1000;
    const lags = [...noted.lags].sort((a, b) => a - b);
    const eventsPerSec = Math.round((received - 1) / span);
    const smsPerSec = Math.round(sent / (drainMs / 1000));
    console.log(`${sent} SMS sent at ${smsPerSec}/s; ${received} contact.sent events received at ${eventsPerSec}/s`);
    console.log(
      `lag (received − occurredAt): p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms, max ${lags[lags.length - 1]} ms`,
    );
    console.log(
      JSON.stringify({
        eventsPerSec,
        eventLagP99Ms: percentile(lags, 99),
        eventLagP50Ms: percentile(lags, 50),
        events: received,
        smsSent: sent,
        smsPerSec,
        eventsPerSmsPerSec: Number((eventsPerSec / smsPerSec).toFixed(2)),
      }),
    );
  } finally {
    await instance?.close();
    subscriber.close();
    await database.drop();
  }
}

(process.argv.includes('--receiver') ? serveReceiver() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
