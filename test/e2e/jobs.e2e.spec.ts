import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import { ManualClock } from '../../src/common/clock';
import { store } from '../support/outbox.builders';
import { createTestDatabase, TestDatabase, withDatabase } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';

/** 10:00 on Tuesday 10 March in Shanghai; still 22:00 on Monday the 9th in New York. */
const NOW = '2026-03-10T02:00:00Z';
const JOB_CLI = join(__dirname, '..', '..', 'dist', 'src', 'jobs', 'job.cli.js');

/** The repayment, collections and activation job run on demand: by ops over HTTP and from the command line. */
describe('jobs on demand', () => {
  let t: TestApp;
  let keys: Record<'ops' | 'admin' | 'agent' | 'campaign_manager', string>;
  const clock = new ManualClock(new Date(NOW));

  beforeAll(async () => {
    t = await startTestApp({ REPAYMENT_JOB_ENABLED: 'false' }, { clock });
    const [ops, admin, agent, campaign_manager] = await Promise.all(
      (['ops', 'admin', 'agent', 'campaign_manager'] as const).map((role) => t.keyFor(role)),
    );
    keys = { ops, admin, agent, campaign_manager };
  });
  afterAll(() => t.close());

  const run = (body: object, role: keyof typeof keys = 'ops') =>
    t.http.post('/jobs/repayment/runs').auth(keys[role], { type: 'bearer' }).send(body);
  const queued = async () => {
    const [{ tasks }] = await t.db.query(`SELECT count(*)::int AS tasks FROM contact_tasks`);
    const [{ agentTasks }] = await t.db.query(`SELECT count(*)::int AS "agentTasks" FROM work_orders WHERE queue = 'agent-desk'`);
    return { tasks, agentTasks };
  };
  const none = { reminders: 0, collectionMessages: 0, agentTasks: 0, activations: 0, brokenPromises: 0, activationsCancelled: 0 };

  describe('POST /jobs/repayment/runs', () => {
    let newYorker: string;

    beforeAll(async () => {
      await store.customer(t.db, { dueDate: '2026-03-13' }); // Shanghai: 3 days before its due date
      await store.customer(t.db, { dueDate: '2026-03-02', daysPastDue: 8 }); // a week past due
      await store.customer(t.db, { cardStatus: 'not_activated', cardIssuedOn: '2026-02-24', dueDate: null }); // issued 14 days ago
      newYorker = (
        await store.customer(t.db, {
          timezone: 'America/New_York',
          country: 'US',
          phone: '+12125550188',
          locale: 'en',
          dueDate: '2026-03-13',
        })
      ).id; // still the 9th there: 4 days before
    });

    it('runs the job now for every customer’s local today, as the hourly run does', async () => {
      const { body } = await run({}).expect(201);
      expect(body).toEqual({
        job: 'repayment',
        date: null,
        at: '2026-03-10T02:00:00.000Z',
        ...none,
        reminders: 1,
        collectionMessages: 1,
        activations: 1,
      });
    });

    it('runs it for a date: as if it were that day in every zone, contacts due no earlier than now', async () => {
      const { body } = await run({ date: '2026-03-10' }).expect(201);
      expect(body).toEqual({ job: 'repayment', date: '2026-03-10', at: '2026-03-10T02:00:00.000Z', ...none, reminders: 1 });
      const [task] = await t.db.query(`SELECT step, channel, due_at FROM contact_tasks WHERE customer_id = $1`, [newYorker]);
      expect(task).toEqual({ step: 1, channel: 'sms', due_at: new Date('2026-03-10T13:00:00Z') }); // 09:00 in New York
    });

    it('queues nothing twice however often it runs', async () => {
      const before = await queued();
      expect(before).toEqual({ tasks: 4, agentTasks: 0 });
      for (const body of [{ date: '2026-03-10' }, {}, { date: '2026-03-10' }]) {
        expect((await run(body).expect(201)).body).toMatchObject(none);
      }
      expect(await queued()).toEqual(before);
    });

    it('is audited: who ran it, for which date, how it ended', async () => {
      await run({ date: '2026-03-11' }, 'admin').expect(201);
      const { body } = await t.http
        .get('/audit?action=jobs.runRepayment&limit=10')
        .auth(keys.ops, { type: 'bearer' })
        .expect(200);
      expect(
        body.items.map((e: { actorRole: string; target: string; status: number }) => [e.actorRole, e.target, e.status]),
      ).toEqual(
        expect.arrayContaining([
          ['admin', 'repayment:2026-03-11', 201],
          ['ops', 'repayment:2026-03-10', 201],
          ['ops', 'repayment:local-today', 201],
        ]),
      );
    });

    it('is for ops and admins only', async () => {
      await run({}, 'agent').expect(403);
      await run({}, 'campaign_manager').expect(403);
      await t.http.post('/jobs/repayment/runs').send({}).expect(401);
    });

    it('refuses a date that is not one, or too far from today, naming date', async () => {
      const malformed = await run({ date: '10/03/2026' }).expect(400);
      expect(malformed.body.error.details).toEqual([{ field: 'date', reason: 'must be a date, YYYY-MM-DD' }]);
      const far = await run({ date: '2026-04-30' }).expect(400);
      expect(far.body.error.details).toEqual([{ field: 'date', reason: 'must be within 7 days of today (2026-03-10)' }]);
      const extra = await run({ date: '2026-03-10', everything: true }).expect(400);
      expect(extra.body.error.details).toEqual([{ field: 'everything', reason: 'is not an accepted field' }]);
    });

    it('says so when another instance is running the job', async () => {
      const holder = new Client({ connectionString: (t.db.options as { url: string }).url });
      await holder.connect();
      try {
        await holder.query(`SELECT pg_advisory_lock(hashtext('herald:repayment-job'))`);
        const { body } = await run({}).expect(409);
        expect(body.error.code).toBe('JOB_RUNNING');
      } finally {
        await holder.end();
      }
    });

    it('is documented in OpenAPI', async () => {
      const { body } = await t.http.get('/docs-json').expect(200);
      expect(body.paths['/jobs/repayment/runs'].post).toMatchObject({ tags: ['jobs'] });
    });
  });

  describe('npm run job -- repayment', () => {
    let database: TestDatabase;
    const today = DateTime.utc().toISODate()!;
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [JOB_CLI, ...args], {
        env: { PATH: process.env.PATH, DATABASE_URL: database.url },
      });

    beforeAll(async () => {
      if (!existsSync(JOB_CLI)) throw new Error(`${JOB_CLI} is missing: run "npm run build" (npm test does)`);
      database = await createTestDatabase();
      await withDatabase(database.url, (db) =>
        db.query(
          `INSERT INTO customers (external_ref, full_name, phone, timezone, country, due_date, minimum_due)
           VALUES ('CLI-1', 'Test Customer', '+8613800139001', 'Asia/Shanghai', 'CN', $1::date + 3, 10000)`,
          [today],
        ),
      );
    });
    afterAll(() => database?.drop());

    it('runs the same job from the command line, idempotently, and audits it', async () => {
      const first = await cli('repayment', '--date', today);
      expect(JSON.parse(first.stdout)).toMatchObject({ job: 'repayment', date: today, reminders: 1 });
      const again = await cli('repayment', '--date', today);
      expect(JSON.parse(again.stdout)).toMatchObject({ ...none, date: today });
      const audited = await withDatabase(database.url, (db) =>
        db.query(`SELECT actor_role, action, target, status FROM audit_events ORDER BY id`).then((r) => r.rows),
      );
      expect(audited).toEqual([
        { actor_role: 'cli', action: 'jobs.runRepayment', target: `repayment:${today}`, status: 200 },
        { actor_role: 'cli', action: 'jobs.runRepayment', target: `repayment:${today}`, status: 200 },
      ]);
    });

    it('says what is wrong with its arguments', async () => {
      await expect(cli('reminders')).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('unknown job "reminders"; usage: npm run job -- repayment [--date YYYY-MM-DD]'),
      });
      await expect(cli('repayment', '--date', '2020-01-01')).rejects.toMatchObject({
        stderr: expect.stringContaining('date: must be within 7 days of today'),
      });
    });
  });
});
