import fc from 'fast-check';
import { DataSource, QueryRunner } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { ConsentService } from '../../src/compliance/consent.service';
import { ConsentLedgerRepository } from '../../src/compliance/consent-ledger.repository';
import { Channel, ConsentLedgerState } from '../../src/compliance/policy.types';
import { ConsentScope } from '../../src/compliance/consent-event.entity';
import { UPSERT_WITH_CONSENT, STAGING_TABLES } from '../../src/customers/import/customer-batch.writer';
import { insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';
import { explainingReadsOf, PlanNode } from '../support/explained-reads';

/** The partitions of consent_events an executed plan read (a node that ran at least once). */
function ledgerPartitions(plan: PlanNode, read: Set<string>): void {
  const relation = plan['Relation Name'];
  if (typeof relation === 'string' && relation.startsWith('consent_events_') && Number(plan['Actual Loops']) > 0) {
    read.add(relation);
  }
  for (const child of (plan.Plans as PlanNode[] | undefined) ?? []) ledgerPartitions(child, read);
}

/**
 * The consent ledger is kept for years, by month (migration 1765030000000): a read by customer
 * alone plans and probes every month. Each read of it must say which months it needs — here the
 * executed plans (EXPLAIN ANALYZE) of the service's own statements, on a ledger of 27 months, say
 * which months were read. A function's or a trigger's statements are not in the plan of the
 * statement calling them, so for those (consent_state_now, recording a change) the transaction's
 * own scan counts (pg_stat_xact_user_tables) say which partitions were read.
 */
describe('reading the consent ledger by month', () => {
  const clock = new ManualClock(new Date('2026-06-15T06:00:00Z'));
  let t: TestApp;
  let consent: ConsentService;
  let customer: string;

  /** The service, its ledger reads run under EXPLAIN ANALYZE (rolled back), its other reads as they are. */
  async function readBy(work: (service: ConsentService) => Promise<unknown>): Promise<string[]> {
    const read = new Set<string>();
    const explaining = explainingReadsOf(t.db, 'consent_events', (plan) => ledgerPartitions(plan, read), { analyze: true });
    await work(new ConsentService(explaining, new ConsentLedgerRepository(explaining), clock, undefined as never));
    return [...read].sort();
  }

  /**
   * The partitions of the ledger that `work` scanned, in a transaction rolled back afterwards: the
   * counts before and after (a connection's counts not sent to the statistics yet show as well).
   */
  async function scannedBy(work: (runner: QueryRunner) => Promise<unknown>): Promise<string[]> {
    const runner = t.db.createQueryRunner();
    const scans = async (): Promise<Map<string, number>> => {
      const rows: { relname: string; scans: number }[] = await runner.query(
        `SELECT relname, (seq_scan + coalesce(idx_scan, 0))::int AS scans FROM pg_stat_xact_user_tables
          WHERE relname LIKE 'consent\\_events\\_%'`,
      );
      return new Map(rows.map((row) => [row.relname, row.scans]));
    };
    await runner.startTransaction();
    try {
      const before = await scans();
      await work(runner);
      const after = await scans();
      return [...after]
        .filter(([relname, n]) => n > (before.get(relname) ?? 0))
        .map(([relname]) => relname)
        .sort();
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  const entry = (who: string, channel: Channel, scope: ConsentScope, state: 'granted' | 'revoked', at: string) =>
    t.db.query(`INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, $2, $3, $4, 'api', $5)`, [
      who,
      channel,
      scope,
      state,
      at,
    ]);

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    consent = t.app.get(ConsentService);
    await t.db.query(
      `SELECT history_ensure_month('consent_events', m::date)
         FROM generate_series('2024-07-01'::date, '2026-09-01'::date, interval '1 month') AS m`,
    );
    // Someone else's entries in every month, so that no month is empty.
    const other = await insertCustomer(t.db);
    await t.db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at)
       SELECT $1, 'sms', 'all', 'granted', 'api', m + interval '3 days' FROM generate_series('2024-07-01'::timestamptz, '2026-09-01', interval '1 month') AS m`,
      [other],
    );
    customer = await insertCustomer(t.db);
    await entry(customer, 'sms', 'all', 'granted', '2025-03-10T08:00:00Z');
    await entry(customer, 'email', 'marketing', 'granted', '2025-08-05T08:00:00Z');
    await entry(customer, 'sms', 'all', 'revoked', '2026-02-14T08:00:00Z');
  });
  afterAll(() => t.close());

  it('reads the state as it stood in the months holding the entries in force then, not every month', async () => {
    expect(await readBy((s) => s.currentState([customer], new Date('2026-01-20T00:00:00Z')))).toEqual([
      'consent_events_p202503',
      'consent_events_p202508',
    ]);
    // In February the revocation's month and the grant's both: the revocation came after the 10th.
    expect(await readBy((s) => s.currentState([customer], new Date('2026-02-10T00:00:00Z')))).toEqual([
      'consent_events_p202503',
      'consent_events_p202508',
      'consent_events_p202602',
    ]);
    const [before, after] = await Promise.all(
      ['2026-02-10T00:00:00Z', '2026-02-20T00:00:00Z'].map((at) => consent.currentState([customer], new Date(at))),
    );
    expect(before.get(customer)!.sms.all?.state).toBe('granted');
    expect(after.get(customer)!.sms.all?.state).toBe('revoked');
    expect(after.get(customer)!.email.marketing?.state).toBe('granted');
  });

  it('reads the current state of an entry older than 1970, whose packed instant is negative', async () => {
    const old = await insertCustomer(t.db);
    await entry(old, 'call', 'all', 'revoked', '1969-12-31T23:59:59.999Z');
    await entry(old, 'email', 'all', 'granted', '1969-12-31T23:59:59.998Z');
    const now = (await consent.currentState([old])).get(old)!;
    expect(now.call.all).toMatchObject({ state: 'revoked', at: new Date('1969-12-31T23:59:59.999Z') });
    expect(now.email.all).toMatchObject({ state: 'granted', at: new Date('1969-12-31T23:59:59.998Z') });
  });

  it("reads a customer's ledger page in the months holding their entries", async () => {
    expect(await readBy((s) => s.history(customer, { limit: 20, offset: 0 }))).toEqual([
      'consent_events_p202503',
      'consent_events_p202508',
      'consent_events_p202602',
    ]);
    const page = await consent.history(customer, { limit: 2, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.items.map((e) => `${e.channel} ${e.state}`)).toEqual(['email granted', 'sms granted']);
    expect((await consent.history(customer, { limit: 2, offset: 5 })).total).toBe(3);
  });

  it('reads no month of the ledger for the state now: the previous state of a change, consent_state_now', async () => {
    expect(
      await scannedBy((runner) =>
        consent.record({ customerId: customer, channel: 'sms', scope: 'all', state: 'granted', source: 'api' }, runner.manager),
      ),
    ).toEqual([]);
    expect(await scannedBy((runner) => runner.query(`SELECT consent_state_now($1, 'sms', 'all')`, [customer]))).toEqual([]);
    // What the counts would show for a read by customer alone, as these were: every month.
    const unbounded = await scannedBy((runner) =>
      runner.query(`SELECT state FROM consent_events WHERE customer_id = $1 ORDER BY at DESC LIMIT 1`, [customer]),
    );
    expect(unbounded.length).toBeGreaterThan(20);
    const [{ state }] = await t.db.query(`SELECT consent_state_now($1, 'sms', 'all') AS state`, [customer]);
    expect(state).toBe('revoked');
  });

  it("reads no month of the ledger for an import's look-up of existing customers' consent", async () => {
    const [{ external_ref: ref }] = await t.db.query(`SELECT external_ref FROM customers WHERE id = $1`, [customer]);
    const runner = t.db.createQueryRunner();
    await runner.startTransaction();
    try {
      for (const table of STAGING_TABLES) await runner.query(table);
      await runner.query(
        `INSERT INTO pg_temp.customer_import_batch
         SELECT id, external_ref, full_name, phone, email, locale, timezone, country, city, card_last4, card_status, currency,
                credit_limit, statement_balance, minimum_due, paid_this_cycle, statement_date, due_date, days_past_due, risk_level,
                credit_score, card_issued_on, last_card_activity_at, tags, attributes, created_at, now()
           FROM customers WHERE external_ref = $1`,
        [ref],
      );
      await runner.query(
        `INSERT INTO pg_temp.customer_import_consent VALUES ($1, 'sms', 'marketing', 'granted', 'import', '{}', now()),
                                                           ($1, 'email', 'marketing', 'granted', 'import', '{}', now())`,
        [customer],
      );
      const [{ 'QUERY PLAN': plan }] = await runner.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${UPSERT_WITH_CONSENT}`);
      const read = new Set<string>();
      ledgerPartitions(plan[0].Plan, read);
      expect([...read]).toEqual([]);
      // The e-mail grant repeats what the customer said: only the SMS one is kept.
      const kept = await runner.query(
        `SELECT channel FROM consent_events WHERE customer_id = $1 AND source = 'import' AND at >= now()`,
        [customer],
      );
      expect(kept).toEqual([{ channel: 'sms' }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});

const CHANNELS: Channel[] = ['sms', 'email', 'call'];
const SCOPES: ConsentScope[] = ['all', 'marketing'];

/**
 * Whatever the order and instants of the changes — out of order, at the same instant, across
 * months — what the policy reads through the kept state (customer_consent_now, consent_ledger_months)
 * is what the whole ledger says: now, at any instant, the `changed` of each change, and its pages.
 */
describe('the consent state kept beside the ledger, against the ledger itself', () => {
  const clock = new ManualClock(new Date('2026-06-15T06:00:00Z'));
  let t: TestApp;
  let consent: ConsentService;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    consent = t.app.get(ConsentService);
    await t.db.query(
      `SELECT history_ensure_month('consent_events', m::date)
         FROM generate_series('2025-10-01'::date, '2026-06-01'::date, interval '1 month') AS m`,
    );
  });
  afterAll(() => t.close());

  /** The ledger's own answer: its latest entry at `upTo` by the policy's order, read from every month. */
  async function fromLedger(customer: string, upTo: Date): Promise<ConsentLedgerState> {
    const rows: { channel: Channel; scope: ConsentScope; state: 'granted' | 'revoked'; source: string; at: Date }[] =
      await t.db.query(
        `SELECT DISTINCT ON (channel, scope) channel, scope, state, source, at FROM consent_events
          WHERE customer_id = $1 AND at <= $2 ORDER BY channel, scope, at DESC, (state = 'revoked') DESC, id DESC`,
        [customer, upTo],
      );
    const state: ConsentLedgerState = {
      sms: { all: null, marketing: null },
      email: { all: null, marketing: null },
      call: { all: null, marketing: null },
    };
    for (const { channel, scope, ...mark } of rows) state[channel][scope] = mark;
    return state;
  }

  // Instants on a coarse grid over eight months, so that ties and month edges come up often.
  const instant = fc
    .integer({ min: 0, max: 60 })
    .map((step) => new Date(Date.parse('2025-10-31T20:00:00Z') + step * 4 * 86_400_000));
  const change = fc.record({
    channel: fc.constantFrom(...CHANNELS),
    scope: fc.constantFrom(...SCOPES),
    state: fc.constantFrom('granted' as const, 'revoked' as const),
    at: instant,
  });

  it('says what the ledger says, after any sequence of changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { minLength: 1, maxLength: 12 }),
        fc.array(instant, { minLength: 1, maxLength: 3 }),
        async (changes, probes) => {
          const customer = await insertCustomer(t.db);
          for (const c of changes) {
            const before = await fromLedger(customer, new Date('2100-01-01T00:00:00Z'));
            const { changed } = await consent.record({ customerId: customer, source: 'api', ...c });
            expect(changed).toBe(before[c.channel][c.scope]?.state !== c.state);
          }
          const everything = new Date('2100-01-01T00:00:00Z');
          expect((await consent.currentState([customer])).get(customer)).toEqual(await fromLedger(customer, everything));
          for (const probe of probes) {
            expect((await consent.currentState([customer], probe)).get(customer)).toEqual(await fromLedger(customer, probe));
          }
          for (const channel of CHANNELS) {
            for (const scope of SCOPES) {
              const [{ state }] = await t.db.query(`SELECT consent_state_now($1, $2, $3) AS state`, [customer, channel, scope]);
              expect(state).toBe((await fromLedger(customer, everything))[channel][scope]?.state ?? null);
            }
          }
          const all: { id: string }[] = await t.db.query(
            `SELECT id FROM consent_events WHERE customer_id = $1 ORDER BY at DESC, id DESC`,
            [customer],
          );
          const page = await consent.history(customer, { limit: 5, offset: 2 });
          expect(page.total).toBe(changes.length);
          expect(page.items.map((e) => String(e.id))).toEqual(all.slice(2, 7).map((e) => String(e.id)));
        },
      ),
      { numRuns: 40 },
    );
  });
});

/** Migration 1765040000000 on a ledger that already has entries: undone, given entries, applied again. */
describe('the consent ledger months migration', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  it('finds the months of the entries already there, and consent_state_now answers from the kept state, both ways', async () => {
    await undoMigrationsFrom(db, 1765040000000);
    const customer = await insertCustomer(db);
    for (const [state, at] of [
      ['granted', '2024-02-10T00:00:00Z'],
      ['revoked', '2025-07-15T00:00:00Z'],
    ]) {
      await db.query(
        `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'sms', 'all', $2, 'api', $3)`,
        [customer, state, at],
      );
    }
    const stateNow = async () => (await db.query(`SELECT consent_state_now($1, 'sms', 'all') AS s`, [customer]))[0].s;
    expect(await stateNow()).toBe('revoked');

    await db.runMigrations({ transaction: 'each' });

    const months = await db.query(
      `SELECT to_char(month, 'YYYY-MM') AS month FROM consent_ledger_months WHERE customer_id = $1 ORDER BY month`,
      [customer],
    );
    expect(months).toEqual([{ month: '2024-02' }, { month: '2025-07' }]);
    expect(await stateNow()).toBe('revoked');

    await undoMigrationsFrom(db, 1765040000000);
    expect((await db.query(`SELECT to_regclass('consent_ledger_months') AS t`))[0].t).toBeNull();
    expect(await stateNow()).toBe('revoked');
    await db.runMigrations({ transaction: 'each' });
  });
});
