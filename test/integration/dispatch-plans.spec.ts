import { DataSource } from 'typeorm';
import { ContactHistoryRepository } from '../../src/compliance/contact-history.repository';
import { RulePacks } from '../../src/compliance/rule-packs';
import { attemptIdAt } from '../../src/dispatch/attempt-id';
import { AttemptLogRepository } from '../../src/dispatch/attempt-log.repository';
import { OutboxRepository } from '../../src/dispatch/outbox.repository';
import { ownDatabase } from '../support/own-database';
import { PlanNode } from '../support/explained-reads';

/**
 * The dispatcher's statements late in a big campaign on a database without statistics yet — a
 * fresh one, or a new month's partition before autovacuum has analysed it. Each statement finds a
 * batch by id (or a batch's customers); none may walk the whole month of attempts, or every index
 * entry a task left as it passed through `claimed` and `sending`. Measured before: the per-batch
 * cost grew with the campaign, 20–50 ms a statement by 50,000 SMS.
 */
/** The caps' look-back is all the history read needs of the packs. */
const LOOKBACK_30_DAYS = { all: () => [{ lookbackMs: 30 * 86_400_000 }] } as unknown as RulePacks;

describe('dispatch statements on tables without statistics', () => {
  let db: DataSource;
  const TASKS = 20_000;
  const worker = 'plans-test-worker';
  const attemptedAt = new Date();
  let customerIds: string[];
  let claimed: string[];

  ownDatabase(async (opened) => {
    db = opened;
    // No vacuum or analyse during the test: the state a campaign is in before autovacuum's first visit.
    await db.query(`SELECT history_ensure_month('contact_attempts', date_trunc('month', now())::date)`);
    const partitions: { name: string }[] = await db.query(
      `SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'contact_attempts'::regclass`,
    );
    for (const table of ['contact_tasks', 'customers', ...partitions.map((p) => p.name)]) {
      await db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
    }
    customerIds = (
      await db.query(
        `INSERT INTO customers (external_ref, full_name, phone, locale, timezone, country, currency)
         SELECT 'P-' || i, 'Customer ' || i, '+1555' || lpad(i::text, 7, '0'), 'en', 'UTC', 'US', 'USD'
           FROM generate_series(1, $1) AS i RETURNING id`,
        [TASKS],
      )
    ).map((row: { id: string }) => row.id);
    await db.query(
      `INSERT INTO contact_tasks (customer_id, purpose, channel, template_key, due_at, priority)
       SELECT id, 'marketing', 'sms', 'promo', now(), 0 FROM customers`,
    );
    // Every task through the states a send takes it, each step its own statement, as the dispatcher does.
    await db.query(`UPDATE contact_tasks SET status = 'claimed', claimed_by = $1, lease_until = now() + interval '1 hour'`, [
      worker,
    ]);
    await db.query(`UPDATE contact_tasks SET status = 'sending', attempts = 1`);
    await db.query(
      `INSERT INTO contact_attempts (customer_id, task_id, purpose, channel, provider, status, attempted_at)
       SELECT customer_id, id, purpose, channel, 'twilio', 'sent', now() - interval '1 minute' - row_number() OVER () * interval '5 ms'
         FROM contact_tasks`,
    );
    await db.query(`UPDATE contact_tasks SET status = 'sent', lease_until = NULL, claimed_by = NULL`);
    // The batch in hand now: 100 new tasks, claimed.
    claimed = (
      await db.query(
        `INSERT INTO contact_tasks (customer_id, purpose, channel, template_key, due_at, priority, status, claimed_by, lease_until)
         SELECT id, 'service', 'sms', 'notice', now(), 0, 'claimed', $1, now() + interval '1 hour' FROM customers LIMIT 100
         RETURNING id`,
        [worker],
      )
    ).map((row: { id: string }) => row.id);
  });

  /** Runs `work` with every statement explained as it runs; returns the index or table each scan of `table` used and the rows it read. */
  async function scansOf(
    table: string,
    work: (explaining: DataSource) => Promise<unknown>,
  ): Promise<{ via: string; rows: number }[]> {
    const scans: { via: string; rows: number }[] = [];
    const walk = (node: PlanNode) => {
      const relation = String(node['Relation Name'] ?? '');
      const ran = String(node['Node Type']).includes('Scan') && Number(node['Actual Loops']) > 0;
      if (ran && (relation === table || relation.startsWith(`${table}_p`))) {
        const read = (Number(node['Actual Rows']) + Number(node['Rows Removed by Filter'] ?? 0)) * Number(node['Actual Loops']);
        scans.push({ via: String(node['Index Name'] ?? node['Node Type']), rows: read });
      } else if (ran && node['Node Type'] === 'Bitmap Index Scan' && String(node['Index Name']).startsWith(table)) {
        // Names no relation: the rows it finds are counted where the heap is read, above it.
        scans.push({ via: String(node['Index Name']), rows: 0 });
      }
      for (const child of (node.Plans as PlanNode[] | undefined) ?? []) walk(child);
    };
    const explaining = {
      query: async (text: string, params: unknown[]) => {
        await db.query('BEGIN');
        try {
          const [{ 'QUERY PLAN': plan }] = await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
          walk(plan[0].Plan);
        } finally {
          await db.query('ROLLBACK');
        }
        return { records: [] };
      },
    } as unknown as DataSource;
    await work(explaining);
    return scans;
  }

  const indexes = (scans: { via: string }[]) => scans.map((scan) => scan.via);

  it('opens a batch of attempts reaching its tasks through the primary key', async () => {
    const attempts = claimed.map((taskId, i) => ({
      id: attemptIdAt(attemptedAt),
      customerId: customerIds[i],
      taskId,
      campaignId: null,
      subjectRef: null,
      purpose: 'service' as const,
      channel: 'sms' as const,
      provider: 'twilio',
      templateKey: 'notice',
      templateVersion: null,
      recipient: '+15550000000',
      contentHash: null,
      attemptedAt,
    }));
    const scans = await scansOf('contact_tasks', (explaining) =>
      new AttemptLogRepository(explaining).open(worker, attempts, new Date(Date.now() + 60_000)),
    );
    expect(indexes(scans)).not.toContain('contact_tasks_status_updated_idx');
    expect(indexes(scans)).not.toContain('contact_tasks_lease_idx');
    expect(scans.reduce((sum, scan) => sum + scan.rows, 0)).toBeLessThanOrEqual(2 * claimed.length);
  });

  it('renews and hands back leases through the primary key', async () => {
    const later = new Date(Date.now() + 7_200_000);
    for (const work of [
      (explaining: DataSource) => new OutboxRepository(explaining).renewLeases(worker, claimed, later, later),
      (explaining: DataSource) => new OutboxRepository(explaining).release(worker, claimed),
    ]) {
      const scans = await scansOf('contact_tasks', work);
      expect(indexes(scans)).not.toContain('contact_tasks_status_updated_idx');
      expect(indexes(scans)).not.toContain('contact_tasks_lease_idx');
      expect(scans.reduce((sum, scan) => sum + scan.rows, 0)).toBeLessThanOrEqual(2 * claimed.length);
    }
  });

  it("records a batch's results reading the batch's moments of the log, not the month", async () => {
    const sent: { id: string; attemptedAt: Date }[] = await db.query(
      `SELECT id, attempted_at AS "attemptedAt" FROM contact_attempts ORDER BY attempted_at DESC LIMIT 100`,
    );
    const results = sent.map(({ id, attemptedAt }) => ({ attemptId: id, attemptedAt, status: 'delivered' as const }));
    const scans = await scansOf('contact_attempts', (explaining) =>
      new AttemptLogRepository(explaining).record(results, explaining as never),
    );
    // 20,000 attempts made over 100 s, and a batch of the last half-second's.
    expect(scans.reduce((sum, scan) => sum + scan.rows, 0)).toBeLessThanOrEqual(2 * results.length);
  });

  it("reads a batch's contact history customer by customer, not the month", async () => {
    const history = (explaining: DataSource) =>
      new ContactHistoryRepository(explaining, LOOKBACK_30_DAYS).summarise(customerIds.slice(0, 200), new Date());
    const scans = await scansOf('contact_attempts', history);
    // Each of the 200 customers has one attempt this month.
    expect(scans.reduce((sum, scan) => sum + scan.rows, 0)).toBeLessThanOrEqual(400);
    // And what it reads is right.
    const contacts = await new ContactHistoryRepository(db, LOOKBACK_30_DAYS).summarise(customerIds.slice(0, 3), new Date());
    expect([...contacts.values()].map((h) => h.contacts.length)).toEqual([1, 1, 1]);
  });
});
