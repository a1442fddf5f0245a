import { Client } from 'pg';
import { ManualClock } from '../../src/common/clock';
import { ContactHistoryRepository } from '../../src/compliance/contact-history.repository';
import { HistoryMaintenance } from '../../src/history/history-maintenance.service';
import { insertAttempt, insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = '2026-11-20T06:00:00Z';

/** Which partition each of a customer's attempts is in, by month. */
async function placement(t: TestApp, customer: string): Promise<Record<string, string>> {
  const rows: { month: string; partition: string }[] = await t.db.query(
    `SELECT to_char(attempted_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, tableoid::regclass::text AS partition
       FROM contact_attempts WHERE customer_id = $1 ORDER BY attempted_at`,
    [customer],
  );
  return Object.fromEntries(rows.map((r) => [r.month, r.partition]));
}

describe('the partitioned history', () => {
  const clock = new ManualClock(new Date(NOW));
  let t: TestApp;
  let customer: string;

  beforeAll(async () => {
    t = await startTestApp({ RETENTION_CONTACT_HISTORY_MONTHS: '2', RETENTION_SANDBOX_MONTHS: '1' }, { clock });
    customer = await insertCustomer(t.db);
  });
  afterAll(() => t.close());

  it('has, from the start, a partition for this month and three ahead in every history table', async () => {
    for (const table of ['contact_attempts', 'inbound_messages', 'audit_events', 'sandbox_messages']) {
      const months: { partition: string }[] = await t.db.query(`SELECT partition FROM history_months($1)`, [table]);
      expect(months.map((m) => m.partition)).toEqual(
        expect.arrayContaining(['_p202611', '_p202612', '_p202701', '_p202702'].map((suffix) => table + suffix)),
      );
    }
  });

  it('keeps a write outside the months in the default partition, and moves it when its month is created', async () => {
    await insertAttempt(t.db, customer, { at: Date.parse('2026-07-10T00:00:00Z') });
    await insertAttempt(t.db, customer, { at: Date.parse('2026-08-10T00:00:00Z') });
    await insertAttempt(t.db, customer, { at: Date.parse('2026-09-10T00:00:00Z') });
    await insertAttempt(t.db, customer, { at: Date.parse('2026-11-10T00:00:00Z') });
    expect(await placement(t, customer)).toEqual({
      '2026-07': 'contact_attempts_default',
      '2026-08': 'contact_attempts_default',
      '2026-09': 'contact_attempts_default',
      '2026-11': 'contact_attempts_p202611',
    });
    for (const month of ['2026-07-01', '2026-08-01', '2026-09-01']) {
      await t.db.query(`SELECT history_ensure_month('contact_attempts', $1::date)`, [month]);
    }
    expect(await placement(t, customer)).toEqual({
      '2026-07': 'contact_attempts_p202607',
      '2026-08': 'contact_attempts_p202608',
      '2026-09': 'contact_attempts_p202609',
      '2026-11': 'contact_attempts_p202611',
    });
  });

  it('prunes a query bounded by time to the months it names', async () => {
    const plan: { 'QUERY PLAN': string }[] = await t.db.query(
      `EXPLAIN SELECT * FROM contact_attempts WHERE customer_id = $1 AND attempted_at > $2 AND attempted_at <= $3`,
      [customer, new Date('2026-11-01T00:00:00Z'), new Date('2026-11-21T06:00:00Z')],
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('contact_attempts_p202611');
    expect(text).not.toContain('contact_attempts_p202609');
    expect(text).not.toContain('contact_attempts_p202612');
    expect(text).not.toContain('contact_attempts_default');
  });

  it('drops the months past retention whole, keeps the daily figures, audits each drop, and leaves the caps their window', async () => {
    const maintenance = t.app.get(HistoryMaintenance);
    const report = await maintenance.run();
    expect(report.ran).toBe(true);
    // Two months kept on 2026-11-20: everything before 2026-09-01 goes.
    expect(report.dropped.filter((d) => d.kind === 'contact_history').map((d) => d.partition)).toEqual([
      'contact_attempts_p202607',
      'contact_attempts_p202608',
    ]);
    expect(await placement(t, customer)).toEqual({
      '2026-09': 'contact_attempts_p202609',
      '2026-11': 'contact_attempts_p202611',
    });
    const days: { day: string; attempts: number }[] = await t.db.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, attempts FROM contact_attempt_days ORDER BY day`,
    );
    // Counted day by day before retention ran, so the dropped months' days are there without it reading them.
    expect(days).toEqual([
      { day: '2026-07-10', attempts: 1 },
      { day: '2026-08-10', attempts: 1 },
      { day: '2026-09-10', attempts: 1 },
      { day: '2026-11-10', attempts: 1 },
    ]);
    const audited: { target: string; correlationId: string }[] = await t.db.query(
      `SELECT target, correlation_id AS "correlationId" FROM audit_events WHERE action = 'history.retention.drop' ORDER BY target`,
    );
    expect(audited).toEqual(
      expect.arrayContaining([
        { target: 'contact_attempts:contact_attempts_p202607', correlationId: 'retention:contact_history:2m' },
        { target: 'contact_attempts:contact_attempts_p202608', correlationId: 'retention:contact_history:2m' },
      ]),
    );
    const drops: { partition: string }[] = await t.db.query(`SELECT partition FROM history_drops WHERE kind = 'contact_history'`);
    expect(drops.map((d) => d.partition).sort()).toEqual(['contact_attempts_p202607', 'contact_attempts_p202608']);
    // Detached, then dropped: no table of that name is left behind.
    const [{ left }] = await t.db.query(
      `SELECT count(*)::int AS left FROM pg_class WHERE relname IN ('contact_attempts_p202607', 'contact_attempts_p202608')`,
    );
    expect(left).toBe(0);
    const history = await t.app.get(ContactHistoryRepository).summarise([customer], clock.now());
    expect(history.get(customer)!.contacts.map((c) => new Date(c.at).toISOString())).toEqual(['2026-11-10T00:00:00.000Z']);
    // Run again, nothing more goes.
    expect((await maintenance.run()).dropped).toEqual([]);
  });

  it('runs on one instance at a time: another holding the lock makes a run skip', async () => {
    const other = new Client({ connectionString: (t.db.options as { url: string }).url });
    await other.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtext('history-maintenance'))`);
      expect(await t.app.get(HistoryMaintenance).run()).toEqual({ ran: false, created: [], dropped: [] });
    } finally {
      await other.end();
    }
    expect((await t.app.get(HistoryMaintenance).run()).ran).toBe(true);
  });

  it('counts a day again when a late report moves a status, and a month goes without being read', async () => {
    const [{ id }] = await t.db.query(
      `SELECT id FROM contact_attempts WHERE customer_id = $1 AND attempted_at = '2026-11-10T00:00:00Z'`,
      [customer],
    );
    await t.db.query(`UPDATE contact_attempts SET status = 'undelivered' WHERE id = $1`, [id]);
    // Within the days counted again (the last seven).
    clock.set(new Date('2026-11-16T06:00:00Z'));
    await t.app.get(HistoryMaintenance).run();
    const day: { status: string; attempts: number }[] = await t.db.query(
      `SELECT status, attempts FROM contact_attempt_days WHERE day = '2026-11-10'`,
    );
    expect(day).toEqual([{ status: 'undelivered', attempts: 1 }]);
    clock.set(new Date(NOW));
  });

  it('counts a day again when a report comes later than the days counted again (ten days late)', async () => {
    const figures = (day: string) =>
      t.db.query(`SELECT status, attempts FROM contact_attempt_days WHERE day = $1 ORDER BY status`, [day]);
    const [{ id }] = await t.db.query(
      `SELECT id FROM contact_attempts WHERE customer_id = $1 AND attempted_at = '2026-11-10T00:00:00Z'`,
      [customer],
    );
    // On 2026-11-20 the run counts again from 2026-11-13: the 10th is not among those days.
    await t.db.query(`UPDATE contact_attempts SET status = 'delivered' WHERE id = $1`, [id]);
    // A mark for a day whose month retention dropped (2026-07) leaves that day's figures as they were.
    await t.db.query(`INSERT INTO contact_attempt_days_stale (day) VALUES ('2026-07-10') ON CONFLICT DO NOTHING`);
    expect(await figures('2026-07-10')).toEqual([{ status: 'delivered', attempts: 1 }]);
    await t.app.get(HistoryMaintenance).run();

    expect(await figures('2026-11-10')).toEqual([{ status: 'delivered', attempts: 1 }]);
    expect(await figures('2026-07-10')).toEqual([{ status: 'delivered', attempts: 1 }]);
    expect(await t.db.query(`SELECT day FROM contact_attempt_days_stale`)).toEqual([]);
  });

  it('marks no day for a change to a recent attempt: the next run counts it again anyway', async () => {
    const at = new Date(Date.now() - 3_600_000);
    await insertAttempt(t.db, customer, { at: at.getTime() }, 'sent');
    await t.db.query(`UPDATE contact_attempts SET status = 'delivered' WHERE customer_id = $1 AND attempted_at = $2`, [
      customer,
      at,
    ]);
    expect(await t.db.query(`SELECT day FROM contact_attempt_days_stale`)).toEqual([]);
  });

  it('creates the next months as the clock moves on', async () => {
    clock.set(new Date('2027-01-05T00:00:00Z'));
    const report = await t.app.get(HistoryMaintenance).run();
    expect(report.created).toEqual(expect.arrayContaining(['contact_attempts_p202704', 'audit_events_p202704']));
    clock.set(new Date(NOW));
  });
});
