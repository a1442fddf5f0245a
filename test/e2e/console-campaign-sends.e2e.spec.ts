import { ManualClock } from '../../src/common/clock';
import { signedIn } from '../support/console-session';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 14:00 in Shanghai.
const NOW = new Date('2026-11-23T06:00:00Z');

/** A campaign's sends and outcomes over time: a column per hour on its page, from its attempts. */
describe('console: a campaign’s sends by hour', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
  });
  afterAll(() => t.close());

  it('stacks delivered, sent without an outcome and failed per hour, in the centre’s zone, empty hours included', async () => {
    const customer = await store.customer(t.db);
    const [{ id: campaignId }] = await t.db.query(
      `INSERT INTO campaigns (name, purpose, audience_refs, plan, starts_at, ends_at, status)
       VALUES ('November reminder', 'service', $1, '[{"channel": "sms", "template": "repayment-reminder-before-due"}]', $2, $3, 'running')
       RETURNING id`,
      [[customer.externalRef], new Date('2026-11-23T01:00:00Z'), new Date('2026-11-30T00:00:00Z')],
    );
    const attempts: [string, string][] = [
      ['2026-11-23T02:05:00Z', 'delivered'],
      ['2026-11-23T02:10:00Z', 'delivered'],
      ['2026-11-23T02:15:00Z', 'sent'],
      ['2026-11-23T02:20:00Z', 'failed'],
      ['2026-11-23T04:30:00Z', 'delivered'],
    ];
    for (const [at, status] of attempts) {
      const task = await store.task(t.db, customer, { campaignId, status: 'sent' });
      await t.db.query(
        `INSERT INTO contact_attempts (customer_id, task_id, purpose, channel, provider, provider_ref, status, attempted_at, updated_at)
         VALUES ($1, $2, 'service', 'sms', 'sandbox', $3, $4, $5, $5)`,
        [customer.id, task.id, `SM-${at}`, status, new Date(at)],
      );
    }
    const manager = await signedIn(t, 'campaign_manager');
    const page = await t.http.get(`/console/campaigns/${campaignId}`).set('Cookie', manager.cookie).expect(200);
    expect(page.text).toContain('Sends and outcomes by hour (Asia/Shanghai)');
    expect(page.text).toContain('4 sent · 3 delivered · 1 failed');
    const hours = [...page.text.matchAll(/<g data-hour="([^"]+)">([\s\S]*?)<\/g>/g)].map(([, hour, body]) => [
      hour,
      [...body.matchAll(/class="sends-(\w+)"[^>]*data-value="(\d+)"/g)].map(([, kind, value]) => `${kind}:${value}`).join(' '),
    ]);
    expect(hours).toEqual([
      ['2026-11-23 10:00 Asia/Shanghai', 'delivered:2 pending:1 failed:1'],
      ['2026-11-23 11:00 Asia/Shanghai', 'delivered:0 pending:0 failed:0'],
      ['2026-11-23 12:00 Asia/Shanghai', 'delivered:1 pending:0 failed:0'],
    ]);
  });
});
