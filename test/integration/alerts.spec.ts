import { Readable } from 'node:stream';
import { AlertEpisodesRepository } from '../../src/alerts/alert-episodes.repository';
import { AlertEvaluator } from '../../src/alerts/alert-evaluator.service';
import { AlertRulesService } from '../../src/alerts/alert-rules.service';
import { ManualClock } from '../../src/common/clock';
import { generateCustomer } from '../../src/customers/book/customer-book.generator';
import { CustomerRow } from '../../src/customers/customer-row.validator';
import { CustomersService } from '../../src/customers/customers.service';
import { CustomerImportsService } from '../../src/customers/import/customer-imports.service';
import { PaymentsService } from '../../src/flows/repayment/payments.service';
import { csvHeader, toCsvLine } from '../../src/customers/import/import-file.format';
import { Sql } from '../../src/database/sql';
import { startTestApp, TestApp } from '../support/test-app';

const TODAY = '2026-12-01';
const NOW = new Date('2026-12-01T02:00:00Z');

const given = (ref: string, overrides: Partial<CustomerRow> = {}, index = 0): CustomerRow => ({
  ...generateCustomer(17, index, TODAY),
  externalRef: ref,
  ...overrides,
});

describe('alert rules (integration)', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let rules: AlertRulesService;
  let customers: CustomersService;
  let imports: CustomerImportsService;
  let evaluator: AlertEvaluator;
  let owner: string;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    rules = t.app.get(AlertRulesService);
    customers = t.app.get(CustomersService);
    imports = t.app.get(CustomerImportsService);
    evaluator = t.app.get(AlertEvaluator);
    owner = (await t.userFor('campaign_manager')).id;
  });
  afterAll(() => t.close());

  const importCsv = async (rows: CustomerRow[]) => {
    const body = csvHeader() + rows.map((row) => toCsvLine(row)).join('');
    const job = await imports.start({ body: Readable.from([Buffer.from(body)]), contentType: 'text/csv', mode: 'partial' });
    expect(job.status).toBe('succeeded');
  };

  const idOf = async (ref: string): Promise<string> =>
    (await t.db.query(`SELECT id FROM customers WHERE external_ref = $1`, [ref]))[0].id;

  /** The customer's episodes of the rule, oldest first, with their work orders. */
  const episodes = async (ruleId: string, customerId: string) =>
    t.db.query(
      `SELECT e.opened_at AS "openedAt", e.closed_at AS "closedAt", w.status, w.outcome, w.due_by AS "dueBy", w.severity, w.queue
         FROM alert_episodes e LEFT JOIN work_orders w ON w.alert_episode_id = e.id
        WHERE e.rule_id = $1 AND e.customer_id = $2 ORDER BY e.opened_at, e.id`,
      [ruleId, customerId],
    );

  it('fires once when a customer enters by import, not again while in, again after leaving and re-entering by PATCH', async () => {
    const rule = await rules.create(
      {
        name: '30 days past due',
        rule: {
          all: [
            { field: 'daysPastDue', op: 'gte', value: 30 },
            { field: 'externalRef', op: 'contains', value: 'EP-' },
          ],
        },
        severity: 'high',
        queue: 'risk-desk',
        slaMinutes: 240,
        closeOnExit: true,
        enabled: true,
      },
      owner,
    );
    expect(rule).toMatchObject({ reads: ['daysPastDue', 'externalRef'], scheduled: false });

    await importCsv([given('EP-1', { daysPastDue: 45 }), given('EP-2', { daysPastDue: 5 }, 1)]);
    const [one, two] = [await idOf('EP-1'), await idOf('EP-2')];
    expect(await episodes(rule.id, one)).toEqual([
      {
        openedAt: NOW,
        closedAt: null,
        status: 'open',
        outcome: null,
        dueBy: new Date(NOW.getTime() + 240 * 60_000),
        severity: 'high',
        queue: 'risk-desk',
      },
    ]);
    expect(await episodes(rule.id, two)).toEqual([]);

    // Still in: a changed import row and a PATCH of the field it reads fire nothing more.
    clock.advance(60_000);
    await importCsv([given('EP-1', { daysPastDue: 46, city: 'Hangzhou' })]);
    await customers.update(one, { daysPastDue: 50 });
    expect(await episodes(rule.id, one)).toHaveLength(1);

    // Enters by PATCH, stays, leaves (the order clears itself), re-enters: two episodes, two orders.
    await customers.update(two, { daysPastDue: 31 });
    await customers.update(two, { daysPastDue: 40 });
    clock.advance(60_000);
    await customers.update(two, { daysPastDue: 0 });
    clock.advance(60_000);
    await customers.update(two, { daysPastDue: 35 });
    const history = await episodes(rule.id, two);
    expect(
      history.map((e: { closedAt: Date | null; status: string; outcome: string | null }) => [
        e.closedAt !== null,
        e.status,
        e.outcome,
      ]),
    ).toEqual([
      [true, 'resolved', 'condition_cleared'],
      [false, 'open', null],
    ]);
  });

  it('leaves the order open when the customer leaves a rule that does not close on exit', async () => {
    const rule = await rules.create(
      {
        name: 'risk raised',
        rule: {
          all: [
            { field: 'riskLevel', op: 'eq', value: 'high' },
            { field: 'externalRef', op: 'contains', value: 'RK-' },
          ],
        },
        severity: 'critical',
        queue: 'risk-desk',
        slaMinutes: 60,
        closeOnExit: false,
        enabled: true,
      },
      owner,
    );
    await importCsv([given('RK-1', { riskLevel: 'low' }, 2)]);
    const id = await idOf('RK-1');
    await customers.update(id, { riskLevel: 'high' });
    await customers.update(id, { riskLevel: 'medium' });
    expect(
      (await episodes(rule.id, id)).map((e: { closedAt: Date | null; status: string }) => [e.closedAt !== null, e.status]),
    ).toEqual([[true, 'open']]);
  });

  it('fires a time-driven rule by schedule once, when the calendar brings the customer in', async () => {
    clock.set(NOW);
    const rule = await rules.create(
      {
        name: 'dormant card',
        rule: {
          all: [
            { field: 'daysSinceLastCardActivity', op: 'gte', value: 90 },
            { field: 'externalRef', op: 'contains', value: 'DO-' },
          ],
        },
        severity: 'low',
        queue: 'retention',
        slaMinutes: 2880,
        closeOnExit: true,
        enabled: true,
      },
      owner,
    );
    expect(rule.scheduled).toBe(true);
    await importCsv([given('DO-1', { lastCardActivityAt: new Date('2026-09-03T04:00:00Z') }, 3)]); // 89 local days before today
    const id = await idOf('DO-1');
    expect(await episodes(rule.id, id)).toEqual([]);
    expect((await evaluator.runScheduled()).ran).toBe(true);
    expect(await episodes(rule.id, id)).toEqual([]);

    clock.set('2026-12-02T02:00:00Z');
    await evaluator.runScheduled();
    await evaluator.runScheduled();
    expect(await episodes(rule.id, id)).toHaveLength(1);
    clock.set(NOW);
  });

  /** A rule of the risk desk over the customers whose reference contains `tag`, closing on exit. */
  const riskRule = (name: string, tag: string, condition: Record<string, unknown>) =>
    rules.create(
      {
        name,
        rule: { all: [condition, { field: 'externalRef', op: 'contains', value: tag }] },
        severity: 'high',
        queue: 'risk-desk',
        slaMinutes: 240,
        closeOnExit: true,
        enabled: true,
      },
      owner,
    );
  const openOrClosed = async (ruleId: string, customerId: string) =>
    (await episodes(ruleId, customerId)).map((e: { closedAt: Date | null; status: string }) => [e.closedAt !== null, e.status]);

  it('fires once when a second payment in 30 days bounces, not on a third or a repeated report; closes as they age out', async () => {
    clock.set(NOW);
    const rule = await riskRule('payments keep bouncing', 'BP-', { field: 'bouncedPaymentsLast30Days', op: 'gte', value: 2 });
    expect(rule).toMatchObject({ reads: ['bouncedPayments', 'externalRef'], scheduled: true });
    await importCsv([given('BP-1', {}, 6)]);
    const id = await idOf('BP-1');
    const [{ currency, paid }] = await t.db.query(`SELECT currency, paid_this_cycle::int AS paid FROM customers WHERE id = $1`, [
      id,
    ]);
    const payments = t.app.get(PaymentsService);
    const bounce = async (reference: string) => {
      await payments.record({ customerId: id, amount: 5000, currency, paidAt: NOW.toISOString(), reference });
      return payments.recordReturn({ reference, returnedAt: clock.now().toISOString(), reason: 'insufficient funds' });
    };

    const first = await bounce('BP-1-a');
    // Returned unpaid: it no longer counts as paid in its cycle.
    expect(first).toMatchObject({ customerId: id, duplicate: false, paidThisCycle: paid });
    expect(await episodes(rule.id, id)).toEqual([]);
    clock.advance(3_600_000);
    await bounce('BP-1-b');
    expect(await openOrClosed(rule.id, id)).toEqual([[false, 'open']]);
    // Still in: a third bounce, and the core system reporting the second again, fire nothing more.
    await bounce('BP-1-c');
    const again = await payments.recordReturn({ reference: 'BP-1-b', returnedAt: clock.now().toISOString() });
    expect(again.duplicate).toBe(true);
    expect(await episodes(rule.id, id)).toHaveLength(1);

    // The bounces age out of the window: nothing is written, the schedule closes the episode.
    clock.set(new Date(NOW.getTime() + 31 * 86_400_000));
    await evaluator.runScheduled();
    expect(await openOrClosed(rule.id, id)).toEqual([[true, 'resolved']]);
    clock.set(NOW);
  });

  it('refuses the return of a payment never booked, naming the reference', async () => {
    await expect(
      t.app.get(PaymentsService).recordReturn({ reference: 'NEVER-BOOKED', returnedAt: NOW.toISOString() }),
    ).rejects.toMatchObject({ code: 'PAYMENT_UNKNOWN', details: [{ field: 'reference', reason: 'no such payment' }] });
  });

  it('fires once when the score falls 50 below its highest of 30 days, by import or PATCH, in steps or at once', async () => {
    clock.set(NOW);
    const rule = await riskRule('score dropped sharply', 'SD-', { field: 'creditScoreDropLast30Days', op: 'gte', value: 50 });
    expect(rule).toMatchObject({ reads: ['creditScore', 'externalRef'], scheduled: true });
    await importCsv([given('SD-1', { creditScore: 720 }, 7), given('SD-2', { creditScore: 800 }, 8)]);
    const [stepwise, atOnce] = [await idOf('SD-1'), await idOf('SD-2')];

    // SD-2 enters by import: 800 → 740.
    clock.advance(86_400_000);
    await importCsv([given('SD-2', { creditScore: 740 }, 8)]);
    expect(await openOrClosed(rule.id, atOnce)).toEqual([[false, 'open']]);

    // SD-1 falls in steps: 720 → 690 (30 below, out) by import, → 660 (60 below its highest, in) by PATCH.
    await importCsv([given('SD-1', { creditScore: 690 }, 7)]);
    expect(await episodes(rule.id, stepwise)).toEqual([]);
    clock.advance(86_400_000);
    await customers.update(stepwise, { creditScore: 660 });
    expect(await openOrClosed(rule.id, stepwise)).toEqual([[false, 'open']]);
    // Still in while it falls further or another field changes: no second alert.
    await customers.update(stepwise, { creditScore: 650 });
    await importCsv([given('SD-1', { creditScore: 650, city: 'Ningbo' }, 7)]);
    expect(await episodes(rule.id, stepwise)).toHaveLength(1);

    // A month on, the highest of the window is the score now: both leave, by schedule.
    clock.set(new Date(NOW.getTime() + 40 * 86_400_000));
    await evaluator.runScheduled();
    expect(await openOrClosed(rule.id, stepwise)).toEqual([[true, 'resolved']]);
    expect(await openOrClosed(rule.id, atOnce)).toEqual([[true, 'resolved']]);
    clock.set(NOW);
  });

  it('fires once when evaluations of the same customer race', async () => {
    await importCsv([given('EP-RACE', { daysPastDue: 0 }, 5)]);
    const id = await idOf('EP-RACE');
    await t.db.query(`UPDATE customers SET days_past_due = 60 WHERE id = $1`, [id]);
    const results = await Promise.all([evaluator.onChange([id]), evaluator.onChange([id]), evaluator.onChange([id])]);
    const [rule] = await t.db.query(`SELECT id FROM alert_rules WHERE name = '30 days past due'`);
    expect(results.reduce((sum, r) => sum + r.fired, 0)).toBe(1);
    expect(await episodes(rule.id, id)).toHaveLength(1);
  });

  it('evaluates more changes at once than the pool has connections: none holds one while it waits for another', async () => {
    await importCsv([given('EP-BURST', { daysPastDue: 60 }, 6)]);
    const id = await idOf('EP-BURST');
    // Twice the pool (10): twenty inbound replies at once each evaluate the rules reading them.
    const results = await Promise.all(Array.from({ length: 20 }, () => evaluator.onChange([id])));
    expect(results).toHaveLength(20);
  }, 15_000);

  it('does not evaluate a rule for a PATCH of fields it does not read', async () => {
    await importCsv([given('NR-1', { daysPastDue: 0 }, 4)]);
    const id = await idOf('NR-1');
    const repository = t.app.get(AlertEpisodesRepository);
    const evaluate = jest.spyOn(repository, 'evaluate');
    try {
      await customers.update(id, { city: 'Suzhou' });
      expect(evaluate).not.toHaveBeenCalled();
      await customers.update(id, { daysPastDue: 3 });
      expect(evaluate.mock.calls.map(([, rule]) => rule.name)).toEqual(['30 days past due']);
    } finally {
      evaluate.mockRestore();
    }
  });

  it('evaluates a rule on an import only for the customers whose fields it reads changed, and for new ones', async () => {
    const rule = await riskRule('past due 30, imported', 'IM-', { field: 'daysPastDue', op: 'gte', value: 30 });
    await importCsv([given('IM-1', { daysPastDue: 0, city: 'Xiamen' }, 9)]);
    const id = await idOf('IM-1');
    const repository = t.app.get(AlertEpisodesRepository);
    const evaluate = jest.spyOn(repository, 'evaluate');
    const calls = () =>
      evaluate.mock.calls.map(([, called, scope]) => ({
        reads: called.reads,
        ids: scope === 'book' ? 'book' : scope.customerIds,
      }));
    try {
      await importCsv([given('IM-1', { daysPastDue: 0, city: 'Fuzhou' }, 9)]);
      expect(evaluate).not.toHaveBeenCalled();

      await importCsv([given('IM-1', { daysPastDue: 40, city: 'Fuzhou' }, 9)]);
      expect(calls().length).toBeGreaterThan(0);
      for (const call of calls()) expect(call).toEqual({ reads: expect.arrayContaining(['daysPastDue']), ids: [id] });
      expect(await openOrClosed(rule.id, id)).toEqual([[false, 'open']]);

      // The same row again and a new customer: every rule looks at the newcomer only.
      evaluate.mockClear();
      await importCsv([given('IM-1', { daysPastDue: 40, city: 'Fuzhou' }, 9), given('IM-2', {}, 10)]);
      const newcomer = await idOf('IM-2');
      const enabled = (await t.db.query(`SELECT count(*)::int AS n FROM alert_rules WHERE enabled`))[0].n;
      expect(calls()).toHaveLength(enabled);
      for (const call of calls()) expect(call.ids).toEqual([newcomer]);
    } finally {
      evaluate.mockRestore();
    }
  });

  it('evaluates an import of 100,000 rows in a bounded number of statements: one per rule per batch', async () => {
    await rules.create(
      {
        name: 'high risk in the big file',
        rule: {
          all: [
            { field: 'riskLevel', op: 'eq', value: 'high' },
            { field: 'externalRef', op: 'contains', value: 'BIG-' },
          ],
        },
        severity: 'high',
        queue: 'risk-desk',
        slaMinutes: 240,
        closeOnExit: true,
        enabled: true,
      },
      owner,
    );
    const repository = t.app.get(AlertEpisodesRepository);
    const original = repository.evaluate.bind(repository);
    let statements = 0;
    let fired = 0;
    const evaluate = jest.spyOn(repository, 'evaluate').mockImplementation(async (sql: Sql, rule, scope, now) => {
      const counting: Sql = (text, params) => {
        statements++;
        return sql(text, params);
      };
      const result = await original(counting, rule, scope, now);
      fired += result.fired;
      return result;
    });
    try {
      const rows = 100_000;
      const body = async function* () {
        yield csvHeader();
        for (let i = 0; i < rows; i += 1000) {
          let chunk = '';
          for (let j = i; j < i + 1000; j++) chunk += toCsvLine({ ...generateCustomer(23, j, TODAY), externalRef: `BIG-${j}` });
          yield chunk;
        }
      };
      const job = await imports.start({ body: Readable.from(body()), contentType: 'text/csv', mode: 'partial' });
      expect(job).toMatchObject({ status: 'succeeded', rowsInserted: rows });
      const enabled = (await t.db.query(`SELECT count(*)::int AS n FROM alert_rules WHERE enabled`))[0].n;
      // 10,000 rows a checkpoint over two connections: at most 2 batches per checkpoint, and one more at the end.
      const batches = 2 * (Math.ceil(rows / 10_000) + 1);
      expect(statements).toBeGreaterThan(0);
      expect(statements).toBeLessThanOrEqual(enabled * batches);
      const [{ n }] = await t.db.query(
        `SELECT count(*)::int AS n FROM alert_episodes e JOIN customers c ON c.id = e.customer_id WHERE c.external_ref LIKE 'BIG-%'`,
      );
      expect(n).toBeGreaterThan(1000);
      expect(fired).toBe(n);
    } finally {
      evaluate.mockRestore();
    }
  }, 180_000);
});
