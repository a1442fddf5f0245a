import { Client } from 'pg';
import { freePort } from '../../src/database/embedded-database';
import { FakeTwilio } from '../support/fake-twilio.server';
import { HeraldProcess, startHeraldProcess, waitForHealth } from '../support/herald-process';
import { createTestDatabase, TestDatabase, withDatabase } from '../support/test-database';

/**
 * The outbox's promises, kept by real processes over one PostgreSQL: any number of dispatchers
 * share the work and never send a task twice; one killed mid-run loses nothing.
 */

/** `count` customers with one fraud alert each: fraud SMS may go at any hour, so the test runs whenever it is run. */
async function queueFraudAlerts(url: string, count: number): Promise<void> {
  await withDatabase(url, async (db: Client) => {
    await db.query(
      `INSERT INTO customers (external_ref, full_name, phone, card_last4, currency)
       SELECT 'P' || i, 'Customer ' || i, '+86138' || lpad(i::text, 8, '0'), '4821', 'CNY' FROM generate_series(1, $1) AS i`,
      [count],
    );
    await db.query(
      `INSERT INTO contact_tasks (customer_id, subject_ref, purpose, channel, template_key, variables, priority, due_at)
       SELECT id, 'case-' || external_ref, 'fraud', 'sms', 'fraud-verification',
              '{"txn": {"amount": 880000, "currency": "CNY", "merchant": "JD.com", "at": "2026-11-23T01:58:00Z", "reference": "4821"}}',
              300, now() - interval '1 minute'
         FROM customers`,
    );
  });
}

async function outboxCounts(url: string): Promise<Record<string, number>> {
  return withDatabase(url, async (db) => {
    const { rows } = await db.query('SELECT status, count(*)::int AS n FROM contact_tasks GROUP BY status');
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  });
}

async function until(check: () => Promise<boolean>, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const settledOutbox = (url: string) => async () => {
  const counts = await outboxCounts(url);
  return !counts.pending && !counts.claimed && !counts.sending;
};

async function startInstance(env: NodeJS.ProcessEnv): Promise<{ process: HeraldProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = startHeraldProcess({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: url,
    HERALD_ADMIN_KEY: 'hk_dispatch_processes_admin_0000',
    ...env,
  });
  await waitForHealth(url, 60_000);
  return { process, url };
}

async function stop(instance: { process: HeraldProcess }): Promise<void> {
  instance.process.child.kill('SIGTERM');
  await instance.process.exited;
}

describe('dispatchers as processes over one database', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => database.drop());

  it('two instances drain 10,000 tasks, each sent exactly once', async () => {
    await queueFraudAlerts(database.url, 10_000);
    const env = {
      DATABASE_URL: database.url,
      SMS_PER_SECOND: '0',
      SANDBOX_AUTO_CALLBACKS: 'false',
      DISPATCH_BATCH_SIZE: '250',
      LOG_LEVEL: 'debug',
    };
    const instances = await Promise.all([startInstance(env), startInstance(env)]);
    try {
      await until(settledOutbox(database.url), 120_000, 'the outbox to drain');
    } finally {
      await Promise.all(instances.map(stop));
    }

    expect(await outboxCounts(database.url)).toEqual({ sent: 10_000 });
    const [perTask] = await withDatabase(database.url, (db) =>
      db
        .query(
          `SELECT count(*)::int AS tasks, max(n)::int AS most, min(n)::int AS least
             FROM (SELECT t.id, count(s.id) AS n FROM contact_tasks t
                   JOIN contact_attempts a ON a.task_id = t.id
                   LEFT JOIN sandbox_messages s ON s.attempt_id = a.id::text GROUP BY t.id) per_task`,
        )
        .then((r) => r.rows),
    );
    expect(perTask).toEqual({ tasks: 10_000, most: 1, least: 1 });
    for (const { process } of instances) expect(process.output()).toContain('batch done');
  }, 180_000);

  it('a dispatcher killed with SIGKILL mid-run and restarted sends nothing twice and loses nothing', async () => {
    const twilio = await FakeTwilio.start();
    try {
      await queueFraudAlerts(database.url, 2_000);
      const env = {
        ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
        DATABASE_URL: database.url,
        SMS_PER_SECOND: '400',
        DISPATCH_LEASE_SECONDS: '5',
        LOG_LEVEL: 'warn',
      };
      const first = await startInstance(env);
      await until(async () => twilio.messages.length >= 400, 60_000, 'the first sends');
      first.process.child.kill('SIGKILL');
      await first.process.exited;
      expect(first.process.output()).not.toMatch(/"level":50/); // no error logged before the kill
      const sentBeforeKill = twilio.messages.length;
      expect(sentBeforeKill).toBeLessThan(2_000);

      const second = await startInstance(env);
      try {
        await until(settledOutbox(database.url), 120_000, 'the outbox to settle');
      } finally {
        await stop(second);
      }

      const attemptsSeen = twilio.requests
        .filter((r) => r.path.endsWith('/Messages.json'))
        .map((r) => new URL(String(r.params.StatusCallback)).searchParams.get('attempt'));
      const rows = await withDatabase(database.url, (db) =>
        db
          .query(
            `SELECT a.id AS attempt, a.task_id AS task, t.status FROM contact_attempts a JOIN contact_tasks t ON t.id = a.task_id`,
          )
          .then((r) => r.rows as { attempt: string; task: string; status: string }[]),
      );
      const taskOf = new Map(rows.map((r) => [r.attempt, r.task]));
      const messagesPerTask = new Map<string, number>();
      for (const attempt of attemptsSeen)
        messagesPerTask.set(taskOf.get(attempt!)!, (messagesPerTask.get(taskOf.get(attempt!)!) ?? 0) + 1);
      expect(Math.max(...messagesPerTask.values())).toBe(1);

      const counts = await outboxCounts(database.url);
      expect(Object.keys(counts).every((status) => ['sent', 'unknown'].includes(status))).toBe(true);
      expect((counts.sent ?? 0) + (counts.unknown ?? 0)).toBe(2_000);
      expect(first.process.output()).not.toMatch(/"level":50/);
      // Every task that says sent reached Twilio exactly once; an unknown one at most once.
      const sentTasks = new Set(rows.filter((r) => r.status === 'sent').map((r) => r.task));
      for (const task of sentTasks) expect(messagesPerTask.get(task)).toBe(1);
    } finally {
      await twilio.close();
    }
  }, 180_000);
});
