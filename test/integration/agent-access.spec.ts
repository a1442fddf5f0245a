import { HELD_CASE_SQL, HELD_TASKS_SQL, AgentAccessRepository } from '../../src/auth/agent-access.repository';
import { coversCase, holds, TaskFacts } from '../../src/auth/agent-access.rules';
import { agentTask } from '../support/agent-work';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Lists filter by SQL (HELD_TASKS_SQL, HELD_CASE_SQL); single objects are decided by the pure rule
 * (`holds`, `coversCase`) on facts the repository reads. Every shape of task, both ways: they agree.
 */
describe('the held-task rule in SQL and in TypeScript', () => {
  let t: TestApp;
  let agents: string[];
  let tasks: TaskFacts[];
  let customerIds: string[];
  let cases: { id: string; customerId: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    agents = await Promise.all([t.userFor('agent'), t.userFor('agent')]).then((users) => users.map((u) => u.id));
    const customers = await Promise.all([0, 1].map(() => store.customer(t.db)));
    customerIds = customers.map((c) => c.id);
    // A case for each customer, on a transaction of its own.
    cases = [];
    for (const customerId of customerIds) {
      const [{ id: txn }] = await t.db.query(
        `INSERT INTO card_transactions (customer_id, reference, amount, currency, merchant, country, card_not_present, occurred_at, received_at)
         VALUES ($1, $2, 100, 'CNY', 'Shop', 'CN', false, now(), now()) RETURNING id`,
        [customerId, `TXN-SQL-${customerId}`],
      );
      const [{ id }] = await t.db.query(
        `INSERT INTO fraud_cases (customer_id, transaction_id, reference, reasons, timeline, opened_at)
         VALUES ($1, $2, '1234', '[{"code":"TEST"}]', '[]', now()) RETURNING id`,
        [customerId, txn],
      );
      cases.push({ id, customerId });
    }
    const shapes: {
      customerId: string;
      kind: string;
      subjectRef?: string;
      status: 'open' | 'done';
      takenBy: string | null;
      booking?: { agent: string; purpose: string };
    }[] = [];
    for (const customerId of customerIds)
      for (const status of ['open', 'done'] as const)
        for (const takenBy of [null, ...agents]) {
          for (const fraudCase of cases)
            shapes.push({ customerId, kind: 'fraud_verification', subjectRef: fraudCase.id, status, takenBy });
          shapes.push({ customerId, kind: 'collections-dpd-31', status, takenBy });
          for (const agent of agents)
            for (const purpose of ['fraud', 'collections'])
              shapes.push({ customerId, kind: 'call_back', status, takenBy, booking: { agent, purpose } });
        }
    for (const shape of shapes) {
      let subjectRef = shape.subjectRef;
      if (shape.booking) {
        const [{ id }] = await t.db.query(
          `INSERT INTO customer_dispositions (customer_id, code, purpose, call_back_at, agent_id, at)
           VALUES ($1, 'call_back_at', $2, now(), $3, now()) RETURNING id`,
          [shape.customerId, shape.booking.purpose, shape.booking.agent],
        );
        subjectRef = `callback:${id}`;
      }
      // The open-subject key allows one open task per customer and subject; closed ones need their own.
      const taken = await t.db.query(
        `SELECT 1 FROM work_orders WHERE customer_id = $1 AND subject_ref = $2 AND closed_at IS NULL`,
        [shape.customerId, subjectRef ?? ''],
      );
      if (taken.length && shape.status === 'open') subjectRef = undefined;
      if (subjectRef === undefined && shape.kind !== 'collections-dpd-31') continue;
      await agentTask(t.db, { ...shape, subjectRef });
    }
    const repository = t.app.get(AgentAccessRepository);
    tasks = (await Promise.all(customerIds.map((id) => repository.tasksFor(id)))).flat();
    const closed: TaskFacts[] = await Promise.all(
      (await t.db.query(`SELECT id FROM work_orders WHERE closed_at IS NOT NULL`)).map((r: { id: string }) =>
        repository.task(r.id),
      ),
    );
    tasks.push(...closed);
  });
  afterAll(() => t.close());

  it('covers every shape: open and closed, taken by nobody, the agent or another, booked call backs of each purpose', () => {
    expect(tasks.length).toBeGreaterThan(40);
    expect(
      new Set(tasks.map((task) => `${task.status}/${task.kind}/${task.takenBy === null}/${task.callBackPurpose}`)).size,
    ).toBeGreaterThan(10);
  });

  it('HELD_TASKS_SQL holds what `holds` holds', async () => {
    for (const agent of agents) {
      const rows: { subject_ref: string }[] = await t.db.query(HELD_TASKS_SQL('$1'), [agent]);
      const bySql = rows.map((r) => r.subject_ref).sort();
      const byRule = tasks
        .filter((task) => holds(task, agent))
        .map((task) => task.subjectRef!)
        .sort();
      expect(bySql).toEqual(byRule);
      expect(byRule.length).toBeGreaterThan(0);
    }
  });

  it('HELD_CASE_SQL shows the cases `coversCase` lets through', async () => {
    for (const agent of agents) {
      const rows: { id: string }[] = await t.db.query(
        `SELECT f.id FROM fraud_cases f WHERE ${HELD_CASE_SQL('f', '$1')} ORDER BY f.id`,
        [agent],
      );
      const byRule = cases
        .filter((fraudCase) => tasks.some((task) => holds(task, agent) && coversCase(task, fraudCase)))
        .map((c) => c.id)
        .sort();
      expect(rows.map((r) => r.id)).toEqual(byRule);
    }
  });
});
