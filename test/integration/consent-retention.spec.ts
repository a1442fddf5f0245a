import { DataSource } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { ConsentService } from '../../src/compliance/consent.service';
import { ConsentLedgerRepository } from '../../src/compliance/consent-ledger.repository';
import { HistoryMaintenance } from '../../src/history/history-maintenance.service';
import { insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';
import { explainingReadsOf, PlanNode } from '../support/explained-reads';

type Db = { query(sql: string, params?: unknown[]): Promise<unknown> };

const entry = (db: Db, customer: string, state: 'granted' | 'revoked', at: string, channel = 'sms', scope = 'all') =>
  db.query(
    `INSERT INTO consent_events (customer_id, channel, scope, state, source, evidence, at) VALUES ($1, $2, $3, $4, 'api', $5, $6)`,
    [customer, channel, scope, state, { said: `${state} on ${at}` }, at],
  );

/** A customer's ledger, oldest first: state, instant, and the partition holding the entry. */
async function ledger(db: Db, customer: string): Promise<string[]> {
  const rows = (await db.query(
    `SELECT state, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, tableoid::regclass::text AS partition
       FROM consent_events WHERE customer_id = $1 ORDER BY at`,
    [customer],
  )) as { state: string; day: string; partition: string }[];
  return rows.map((r) => `${r.state} ${r.day} ${r.partition}`);
}

/**
 * Consent evidence by month (migration 1765030000000): retention drops whole months past
 * RETENTION_CONSENT_EVIDENCE_MONTHS, but never what a customer last said — each one's latest
 * entry per channel and scope before the cutoff is carried into the default partition, so the
 * policy, reachability and customer_consent_now still read the state it proves.
 */
describe('consent evidence retention by month', () => {
  // 60 months kept on 2026-11-20: the months ending by 2021-11-01 go.
  const clock = new ManualClock(new Date('2026-11-20T06:00:00Z'));
  let t: TestApp;
  const c: Record<'kept' | 'changed' | 'changedLater' | 'twice', string> = { kept: '', changed: '', changedLater: '', twice: '' };

  beforeAll(async () => {
    t = await startTestApp({ RETENTION_CONSENT_EVIDENCE_MONTHS: '60' }, { clock });
    for (const month of ['2021-08-01', '2021-09-01', '2021-10-01', '2021-11-01']) {
      await t.db.query(`SELECT history_ensure_month('consent_events', $1::date)`, [month]);
    }
    for (const key of Object.keys(c) as (keyof typeof c)[]) c[key] = await insertCustomer(t.db);
    await entry(t.db, c.kept, 'granted', '2021-08-05');
    await entry(t.db, c.changed, 'granted', '2021-08-05');
    await entry(t.db, c.changed, 'revoked', '2021-09-10');
    await entry(t.db, c.changedLater, 'granted', '2021-08-05');
    await entry(t.db, c.changedLater, 'revoked', '2021-11-15');
    await entry(t.db, c.twice, 'granted', '2021-10-01', 'email', 'marketing');
    await entry(t.db, c.twice, 'granted', '2021-10-20', 'email', 'marketing');
  });
  afterAll(() => t.close());

  it('drops the old months whole, keeping each customer’s entry in force at the cutoff, and audits each drop', async () => {
    const summaryBefore = await t.db.query(`SELECT * FROM customer_consent_now ORDER BY customer_id`);
    const report = await t.app.get(HistoryMaintenance).run();
    const consent = report.dropped.filter((d) => d.kind === 'consent_evidence');
    expect(consent.map((d) => [d.partition, d.carried])).toEqual([
      ['consent_events_p202108', 3],
      ['consent_events_p202109', 1],
      ['consent_events_p202110', 1],
    ]);

    expect(await ledger(t.db, c.kept)).toEqual(['granted 2021-08-05 consent_events_default']);
    // The grant was superseded before the cutoff: past retention, it goes; the revocation stays.
    expect(await ledger(t.db, c.changed)).toEqual(['revoked 2021-09-10 consent_events_default']);
    // The grant was in force at the cutoff (contacts inside the window relied on it): kept.
    expect(await ledger(t.db, c.changedLater)).toEqual([
      'granted 2021-08-05 consent_events_default',
      'revoked 2021-11-15 consent_events_p202111',
    ]);
    expect(await ledger(t.db, c.twice)).toEqual(['granted 2021-10-20 consent_events_default']);

    // What reads the current state reads the same: the policy's ledger read and the per-customer summary.
    const states = await t.app.get(ConsentService).currentState(Object.values(c));
    expect(states.get(c.kept)!.sms.all).toEqual({ state: 'granted', source: 'api', at: new Date('2021-08-05T00:00:00Z') });
    expect(states.get(c.changed)!.sms.all!.state).toBe('revoked');
    expect(states.get(c.changedLater)!.sms.all!.state).toBe('revoked');
    expect(states.get(c.twice)!.email.marketing!.at).toEqual(new Date('2021-10-20T00:00:00Z'));
    expect(await t.db.query(`SELECT * FROM customer_consent_now ORDER BY customer_id`)).toEqual(summaryBefore);

    const audited: { target: string; correlationId: string }[] = await t.db.query(
      `SELECT target, correlation_id AS "correlationId" FROM audit_events
        WHERE action = 'history.retention.drop' AND target LIKE 'consent_events:%' ORDER BY target`,
    );
    expect(audited).toEqual(
      ['202108', '202109', '202110'].map((m) => ({
        target: `consent_events:consent_events_p${m}`,
        correlationId: 'retention:consent_evidence:60m',
      })),
    );
    // Run again: nothing more goes, the carried entries stay.
    expect((await t.app.get(HistoryMaintenance).run()).dropped).toEqual([]);
    expect(await ledger(t.db, c.kept)).toEqual(['granted 2021-08-05 consent_events_default']);
  });

  it('keeps the ledger append-only outside retention, carried entries included', async () => {
    await expect(t.db.query(`DELETE FROM consent_events_default WHERE customer_id = $1`, [c.kept])).rejects.toThrow(
      'consent_events is append-only',
    );
    await expect(t.db.query(`UPDATE consent_events SET state = 'revoked' WHERE customer_id = $1`, [c.kept])).rejects.toThrow(
      'consent_events is append-only',
    );
  });

  it('reads a customer’s current consent (the policy) in the months holding their latest entries only', async () => {
    const read: string[] = [];
    const walk = (node: PlanNode) => {
      if (typeof node['Relation Name'] === 'string') read.push(node['Relation Name']);
      for (const child of (node.Plans as PlanNode[] | undefined) ?? []) walk(child);
    };
    // The service's own statements on the real database; the ledger's read under EXPLAIN.
    const explaining = explainingReadsOf(t.db, 'consent_events', walk);
    await new ConsentService(explaining, new ConsentLedgerRepository(explaining), clock, undefined as never).currentState([
      c.changedLater,
    ]);
    // Its latest entry (the revocation of 2021-11-15) is in that month; the carried grant is not read.
    expect(read).toEqual(['consent_events_p202111']);
  });

  it('keeps the index the current consent is read by on every month and on the default partition', async () => {
    const rows: { partition: string; indexed: boolean }[] = await t.db.query(
      `SELECT c.relname AS partition,
              EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index x ON x.indexrelid = ii.inhrelid
                       WHERE ii.inhparent = 'consent_events_customer_idx'::regclass AND x.indrelid = c.oid) AS indexed
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'consent_events'::regclass`,
    );
    expect(rows.map((r) => r.partition)).toEqual(expect.arrayContaining(['consent_events_default', 'consent_events_p202111']));
    expect(rows.filter((r) => !r.indexed)).toEqual([]);
  });
});

/** Migration 1765030000000 on a ledger that already has entries: undone, given entries, applied again. */
describe('the partitioned consent ledger migration moves existing entries', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  it('moves each entry into its month with its id, and the ledger’s rules come along', async () => {
    await undoMigrationsFrom(db, 1765030000000);
    const [{ kind }] = await db.query(`SELECT relkind AS kind FROM pg_class WHERE relname = 'consent_events'`);
    expect(kind).toBe('r');
    const customer = await insertCustomer(db);
    await entry(db, customer, 'granted', '2024-02-10');
    await entry(db, customer, 'revoked', '2025-07-15');
    const [{ max }] = await db.query(`SELECT max(id)::int AS max FROM consent_events`);

    await db.runMigrations({ transaction: 'each' });

    expect(await ledger(db, customer)).toEqual([
      'granted 2024-02-10 consent_events_p202402',
      'revoked 2025-07-15 consent_events_p202507',
    ]);
    // The identity goes on after the last id; the summary of the latest entry is kept by the new table's trigger.
    await entry(db, customer, 'granted', new Date().toISOString());
    const [{ id }] = await db.query(`SELECT max(id)::int AS id FROM consent_events`);
    expect(id).toBe(max + 1);
    const [{ smsAll }] = await db.query(`SELECT sms_all % 2 AS "smsAll" FROM customer_consent_now WHERE customer_id = $1`, [
      customer,
    ]);
    expect(Number(smsAll)).toBe(0);
    await expect(db.query(`DELETE FROM consent_events WHERE customer_id = $1`, [customer])).rejects.toThrow('append-only');
    await expect(entry(db, '00000000-0000-7000-8000-000000000000', 'granted', '2025-01-01')).rejects.toThrow(
      'the customer does not exist',
    );

    // And down again: a plain table with the same entries.
    await undoMigrationsFrom(db, 1765030000000);
    const [{ kind: flat }] = await db.query(`SELECT relkind AS kind FROM pg_class WHERE relname = 'consent_events'`);
    expect(flat).toBe('r');
    expect((await ledger(db, customer)).map((row) => row.split(' ')[0])).toEqual(['granted', 'revoked', 'granted']);
    await db.runMigrations({ transaction: 'each' });
  });
});
