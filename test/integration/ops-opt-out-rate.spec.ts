import { ManualClock } from '../../src/common/clock';
import { OpsDashboardService } from '../../src/console/ops/ops-dashboard.service';
import { insertAttempt, insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = '2026-11-20T06:00:00Z';
const DAY = 86_400_000;

describe('the dashboard opt-out rate on a known mix', () => {
  const clock = new ManualClock(new Date(NOW));
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    const customer = await insertCustomer(t.db);
    const at = (daysAgo: number) => new Date(Date.parse(NOW) - daysAgo * DAY);
    // Sent in the window: 4 SMS (plus one failed, not sent), 2 e-mails, 1 call; one SMS 9 days ago, outside it.
    for (const [channel, status, daysAgo] of [
      ['sms', 'delivered', 1],
      ['sms', 'delivered', 2],
      ['sms', 'sent', 3],
      ['sms', 'undelivered', 4],
      ['sms', 'failed', 1],
      ['sms', 'delivered', 9],
      ['email', 'sent', 2],
      ['email', 'delivered', 5],
      ['call', 'completed', 1],
    ] as const) {
      await insertAttempt(t.db, customer, { channel, at: at(daysAgo).getTime(), purpose: 'collections' }, status);
    }
    const revoke = (channel: string, source: string, daysAgo: number, state = 'revoked') =>
      t.db.query(
        `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, $2, 'all', $3, $4, $5)`,
        [customer, channel, state, source, at(daysAgo)],
      );
    // The customers' own: SMS keyword + carrier STOP, e-mail link, a request an agent recorded on a call.
    await revoke('sms', 'sms_keyword', 1);
    await revoke('sms', 'provider', 2);
    await revoke('email', 'email_one_click', 3);
    await revoke('call', 'agent', 1);
    // Not theirs: a file of 30 imported revocations, an integration's, and a keyword outside the window.
    for (let i = 0; i < 30; i++) await revoke(i % 2 ? 'call' : 'sms', 'import', 1);
    await revoke('email', 'api', 1);
    await revoke('sms', 'sms_keyword', 8);
    // A grant is no opt-out.
    await revoke('sms', 'agent', 1, 'granted');
  });
  afterAll(() => t.close());

  it('counts only what customers did, over contacts sent on the same channel in the same 7 days', async () => {
    const { optOuts } = await t.app.get(OpsDashboardService).dashboard('UTC');
    expect(optOuts.map(({ channel, revoked, sent, percent }) => [channel, revoked, sent, percent])).toEqual([
      ['sms', 2, 4, '50.00 %'],
      ['email', 1, 2, '50.00 %'],
      ['call', 1, 1, '100.00 %'],
      ['all', 4, 7, '57.14 %'],
    ]);
  });
});
