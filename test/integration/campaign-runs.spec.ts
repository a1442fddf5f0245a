import { Campaign } from '../../src/campaigns/campaign.entity';
import { RunMaterialiser } from '../../src/campaigns/run-materialiser';
import { ManualClock } from '../../src/common/clock';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = new Date('2026-11-23T02:00:00Z');

describe('materialising campaign runs', () => {
  let t: TestApp;
  let campaign: Campaign;
  let refs: string[];

  beforeAll(async () => {
    t = await startTestApp({}, { clock: new ManualClock(NOW) });
    const customers = await Promise.all(Array.from({ length: 40 }, () => store.customer(t.db)));
    refs = customers.map((c) => c.externalRef);
    campaign = await t.db.getRepository(Campaign).save({
      name: 'runs',
      purpose: 'service',
      audienceRefs: refs,
      plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
      pinnedVersions: {},
      startsAt: new Date('2026-11-23T00:00:00Z'),
      endsAt: new Date('2026-11-30T00:00:00Z'),
      status: 'running',
    });
  });
  afterAll(() => t.close());

  const audience = () => ({ where: `c.external_ref = ANY($${RunMaterialiser.FIRST_AUDIENCE_PARAM}::text[])`, params: [refs] });
  const tasksOf = (runKey: string) =>
    t.db
      .query(`SELECT count(*)::int AS n FROM contact_tasks t JOIN campaign_runs r ON r.id = t.run_id WHERE r.run_key = $1`, [
        runKey,
      ])
      .then(([row]) => row.n);

  it('creates one task per customer, and a repeated tick or a second instance adds nothing', async () => {
    const materialiser = t.app.get(RunMaterialiser);
    const [first, second] = await Promise.all([
      materialiser.materialise(campaign, '2026-11-23T09:00+08:00', audience(), NOW),
      materialiser.materialise(campaign, '2026-11-23T09:00+08:00', audience(), NOW),
    ]);
    expect(first + second).toBe(40);
    expect(await materialiser.materialise(campaign, '2026-11-23T09:00+08:00', audience(), NOW)).toBe(0);
    expect(await tasksOf('2026-11-23T09:00+08:00')).toBe(40);
  });

  it('writes a run once when the launch and the sweep start it together: the second leaves at once', async () => {
    // Launching a one-off campaign starts its run, and so does the sweep every 5 s: a run taking
    // longer than that to write (200,000 customers: ~6 s) was written by both at once, slice against
    // twin slice. Where PostgreSQL's synchronised scans started the second mid-table, they crossed
    // and deadlocked, and the launch answered 500 (seen in bench:faults at 200,000 SMS).
    await t.db.query(
      `INSERT INTO customers (external_ref, full_name, phone, locale, timezone, country, currency)
       SELECT 'RUN-' || i, 'Customer ' || i, '+86138' || lpad(i::text, 8, '0'), 'zh-CN', 'Asia/Shanghai', 'CN', 'CNY'
         FROM generate_series(1, 20000) AS i`,
    );
    const large = { where: `c.external_ref LIKE 'RUN-%'`, params: [] };
    const materialiser = t.app.get(RunMaterialiser);
    for (let round = 0; round < 3; round++) {
      const runKey = `together-${round}`;
      const finished: number[] = [];
      const counts = await Promise.all(
        [0, 1].map((i) => materialiser.materialise(campaign, runKey, large, NOW).finally(() => finished.push(i))),
      );
      expect([...counts].sort((a, b) => a - b)).toEqual([0, 20_000]);
      // The one that wrote nothing did not wait for the other's rows.
      expect(counts[finished[0]]).toBe(0);
      expect(await tasksOf(runKey)).toBe(20_000);
    }
  });

  it('finishes a run a crash left half-made', async () => {
    const materialiser = t.app.get(RunMaterialiser);
    await materialiser.materialise(campaign, 'crashed', audience(), NOW);
    // As if the process died after some slices: the run is there, not completed, tasks missing.
    await t.db.query(
      `DELETE FROM contact_tasks WHERE id IN (SELECT t.id FROM contact_tasks t JOIN campaign_runs r ON r.id = t.run_id
        WHERE r.run_key = 'crashed' LIMIT 15)`,
    );
    await t.db.query(`UPDATE campaign_runs SET completed_at = NULL WHERE run_key = 'crashed'`);

    expect(await materialiser.materialise(campaign, 'crashed', audience(), NOW)).toBe(15);
    expect(await tasksOf('crashed')).toBe(40);
    const [run] = await t.db.query(`SELECT materialised, completed_at FROM campaign_runs WHERE run_key = 'crashed'`);
    expect(run.completed_at).not.toBeNull();
  });

  it('gives each task the campaign’s message values, and an amount only to customers holding its currency', async () => {
    const dollars = await store.customer(t.db, { currency: 'USD', locale: 'en', country: 'US', timezone: 'America/New_York' });
    const offer = await t.db.getRepository(Campaign).save({
      name: 'offer runs',
      purpose: 'collections',
      audienceRefs: [refs[0], refs[1], dollars.externalRef],
      plan: [{ channel: 'sms', template: 'collections-later-offer' }],
      variables: { offer: { instalments: 6, instalmentAmount: { amount: 21_000, currency: 'CNY' }, respondBy: '2026-12-12' } },
      pinnedVersions: {},
      startsAt: new Date('2026-11-23T00:00:00Z'),
      endsAt: new Date('2026-11-30T00:00:00Z'),
      status: 'running',
    });
    const where = `c.external_ref = ANY($${RunMaterialiser.FIRST_AUDIENCE_PARAM}::text[])`;
    const params = [[refs[0], refs[1], dollars.externalRef]];
    expect(await t.app.get(RunMaterialiser).materialise(offer, 'tick', { where, params }, NOW)).toBe(2);
    const tasks = await t.db.query(`SELECT customer_id, variables FROM contact_tasks WHERE campaign_id = $1`, [offer.id]);
    expect(tasks.map((task: { customer_id: string }) => task.customer_id)).not.toContain(dollars.id);
    // As templates read them: the amount in minor units, shown in the customer's (the campaign's) currency.
    expect(tasks.map((task: { variables: unknown }) => task.variables)).toEqual([
      { offer: { instalments: 6, instalmentAmount: 21_000, respondBy: '2026-12-12' } },
      { offer: { instalments: 6, instalmentAmount: 21_000, respondBy: '2026-12-12' } },
    ]);
  });
});
