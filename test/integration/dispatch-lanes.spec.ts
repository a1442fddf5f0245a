import { INestApplication } from '@nestjs/common';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { createApp } from '../../src/app';
import { ManualClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 11:00 in Shanghai.
const MORNING = new Date('2026-11-23T03:00:00Z');
const DISPATCHING = { DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '20', SMS_PER_SECOND: '0', LOG_LEVEL: 'silent' };

/** Instances that drain one lane each (DISPATCH_LANES), as a deployment with bulk senders apart runs them. */
describe('dispatch lanes per instance, over one database', () => {
  const clock = new ManualClock(MORNING);
  let t: TestApp;
  let bulkSender: INestApplication | undefined;

  beforeAll(async () => {
    t = await startTestApp({ ...DISPATCHING, DISPATCH_LANES: 'urgent' }, { clock });
  });
  afterAll(async () => {
    await bulkSender?.close();
    await t.close();
  });

  const status = (id: string) =>
    t.db.query('SELECT status FROM contact_tasks WHERE id = $1', [id]).then(([row]) => row.status as string);

  it('the urgent instance sends fraud alerts and leaves the campaign to a bulk sender', async () => {
    const fraud = await store.task(t.db, await store.customer(t.db), {
      purpose: 'fraud',
      templateKey: 'fraud-verification',
      subjectRef: 'case-lanes',
      variables: { txn: { amount: 880000, currency: 'CNY', merchant: 'JD.com', at: '2026-11-23T02:58:00Z', reference: '4821' } },
    });
    const reminder = await store.task(t.db, await store.customer(t.db));
    await eventually(async () => expect(await status(fraud.id)).toBe('sent'));
    await new Promise((resolve) => setTimeout(resolve, 200)); // ten polls of its lane
    expect(await status(reminder.id)).toBe('pending');

    const url = (t.db.options as PostgresConnectionOptions).url!;
    bulkSender = await createApp(
      loadConfig({ ...DISPATCHING, DISPATCH_LANES: 'bulk', PUBLIC_BASE_URL: 'http://herald.test' }),
      url,
      {
        clock,
      },
    );
    await bulkSender.init();
    await eventually(async () => expect(await status(reminder.id)).toBe('sent'));
  });

  it('refuses a lane that does not exist, naming the setting', () => {
    expect(() => loadConfig({ DISPATCH_LANES: 'fraud' })).toThrow(/DISPATCH_LANES must be one of all, urgent, bulk/);
  });
});
