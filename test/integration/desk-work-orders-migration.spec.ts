import { DataSource } from 'typeorm';
import { store } from '../support/outbox.builders';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';

/**
 * Migration 1764910000000 moves the agent desk's tasks into work orders and drops agent_tasks:
 * every row keeps its holder, its state, its call time and its history; duplicates of one open
 * task per customer and case are cancelled with a reason; down puts them back.
 */
describe('agent tasks become work orders (migration 1764910000000)', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  it('moves open, taken, done and cancelled tasks with their state, and back down again', async () => {
    await undoMigrationsFrom(db, 1764910000000);
    const customer = await store.customer(db);
    const other = await store.customer(db);
    const [{ id: agentId }] = await db.query(
      `INSERT INTO users (username, display_name, role) VALUES ('desk-migration-agent', 'Desk agent', 'agent') RETURNING id`,
    );
    const [{ id: dispositionId }] = await db.query(
      `INSERT INTO customer_dispositions (customer_id, code, purpose, agent_id, at, identity_verified)
       VALUES ($1, 'not_fraud', 'fraud', $2, '2026-01-01T01:00:00Z', true) RETURNING id`,
      [customer.id, agentId],
    );
    const at = '2026-01-01T00:00:00Z';
    const insert = (values: string, params: unknown[]) =>
      db.query(
        `INSERT INTO agent_tasks (customer_id, kind, priority, subject_ref, status, created_at, due_at, taken_by, taken_at, done_at,
                                  disposition_id, reasons, updated_at)
         VALUES ${values} RETURNING id`,
        params,
      );
    const [{ id: free }] = await insert(
      `($1, 'fraud_verification', 300, 'case-a', 'open', $2, NULL, NULL, NULL, NULL, NULL, '[]', $2)`,
      [customer.id, at],
    );
    const [{ id: taken }] = await insert(
      `($1, 'call_back', 300, 'callback:x', 'open', $2, '2026-01-02T00:00:00Z', $3, $2, NULL, NULL, '[]', $2)`,
      [customer.id, at, agentId],
    );
    const [{ id: done }] = await insert(
      `($1, 'fraud_verification', 300, 'case-b', 'done', $2, NULL, $3, $2, '2026-01-01T01:00:00Z', $4, '[]', '2026-01-01T01:00:00Z')`,
      [customer.id, at, agentId, dispositionId],
    );
    const [{ id: cancelled }] = await insert(
      `($1, 'collections-dpd-31', 200, 'collect:c:2026-01-01', 'cancelled', $2, $2, NULL, NULL, NULL, NULL, '[{"code":"PAID"}]', $2)`,
      [other.id, at],
    );
    // Two open tasks of one customer and case (a verification and its follow-up): only the newer stays open.
    const [{ id: older }] = await insert(
      `($1, 'fraud_verification', 300, 'case-c', 'open', $2, NULL, NULL, NULL, NULL, NULL, '[]', $2)`,
      [other.id, at],
    );
    const [{ id: newer }] = await insert(
      `($1, 'fraud_confirmed', 300, 'case-c', 'open', '2026-01-01T00:05:00Z', NULL, NULL, NULL, NULL, NULL, '[]', $2)`,
      [other.id, at],
    );

    await db.runMigrations({ transaction: 'each' });
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'agent_tasks'`)).toEqual([]);
    const orders = await db.query(
      `SELECT id, kind, queue, status, assignee_id AS "assigneeId", not_before AS "notBefore", due_by AS "dueBy",
              outcome, disposition_id AS "dispositionId", reasons
         FROM work_orders WHERE queue = 'agent-desk'`,
    );
    const byId = Object.fromEntries(orders.map((o: { id: string }) => [o.id, o]));
    expect(byId[free]).toMatchObject({ kind: 'fraud_verification', status: 'open', assigneeId: null, outcome: null });
    // Fraud verification: due an hour after it was queued.
    expect(byId[free].dueBy).toEqual(new Date('2026-01-01T01:00:00Z'));
    expect(byId[taken]).toMatchObject({
      status: 'in_progress',
      assigneeId: agentId,
      notBefore: new Date('2026-01-02T00:00:00Z'),
    });
    // A call back: due half an hour after the time agreed.
    expect(byId[taken].dueBy).toEqual(new Date('2026-01-02T00:30:00Z'));
    expect(byId[done]).toMatchObject({ status: 'resolved', outcome: 'not_fraud', dispositionId });
    expect(byId[cancelled]).toMatchObject({ status: 'cancelled', reasons: [{ code: 'PAID' }] });
    expect(byId[older]).toMatchObject({ status: 'cancelled', reasons: [{ code: 'DUPLICATE_TASK' }] });
    expect(byId[newer]).toMatchObject({ status: 'open', kind: 'fraud_confirmed' });
    const history = await db.query(`SELECT action FROM work_order_events WHERE work_order_id = $1 ORDER BY at, id`, [done]);
    expect(history.map((h: { action: string }) => h.action)).toEqual(['opened', 'claimed', 'resolved']);

    // The database keeps one open task per customer and case, whoever writes.
    await expect(
      db.query(
        `INSERT INTO work_orders (customer_id, kind, priority, subject_ref, opened_at, updated_at, due_by, summary, severity, queue)
         VALUES ($1, 'fraud_confirmed', 300, 'case-a', now(), now(), now() + interval '1 hour', 'again', 'high', 'agent-desk')`,
        [customer.id],
      ),
    ).rejects.toThrow(/work_orders_open_subject_key/);

    await undoMigrationsFrom(db, 1764910000000);
    const back = await db.query(`SELECT id, status, taken_by AS "takenBy" FROM agent_tasks ORDER BY created_at, id`);
    expect(back).toHaveLength(6);
    expect(back.find((r: { id: string }) => r.id === taken)).toEqual({ id: taken, status: 'open', takenBy: agentId });
    expect(back.find((r: { id: string }) => r.id === done)).toMatchObject({ status: 'done' });
    await db.runMigrations({ transaction: 'each' });
  });
});
