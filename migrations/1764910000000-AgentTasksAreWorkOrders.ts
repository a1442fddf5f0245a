import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One model, one queue (issue 17, docs/alerts.md "One table for all work"): the agent desk's
 * tasks — fraud verification calls, the follow-up after a confirmed fraud, call backs, the later
 * collection buckets' calls — become work orders of their own kinds on the `agent-desk` queue,
 * and `agent_tasks` is dropped. Its rows move with their holder, state and history:
 *
 *   open, nobody holds it   → open
 *   open, taken by an agent → in_progress, that agent the assignee
 *   done                    → resolved, the disposition's code its outcome
 *   cancelled               → cancelled
 *
 * A task's `due_at` (not offered before: a call back's agreed time) is `not_before`; its due-by
 * is then plus the kind's SLA (DESK_SLA_MINUTES in work-order.rules.ts, the same numbers).
 *
 * One open task per customer and case: a partial unique index on (customer_id, subject_ref) of
 * open rows. Duplicates already there (a verification task and its follow-up, both open) keep
 * the newest and cancel the others, with a reason.
 */
export class AgentTasksAreWorkOrders1764910000000 implements MigrationInterface {
  name = 'AgentTasksAreWorkOrders1764910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE work_orders DROP CONSTRAINT work_orders_kind_check`);
    await q.query(`
      ALTER TABLE work_orders
        ADD CONSTRAINT work_orders_kind_check CHECK (kind IN (
          'alert', 'inbound_reply', 'complaint', 'fraud_verification', 'fraud_confirmed', 'call_back',
          'collections-dpd-31', 'collections-dpd-61', 'collections-dpd-91')),
        -- Queue rank on the agent desk, higher first (fraud 300, collections 200): PURPOSE_PRIORITY.
        ADD COLUMN priority       smallint NOT NULL DEFAULT 0,
        -- What the desk task is about: a fraud case's id, 'callback:<disposition>', 'collect:<customer>:<due date>'.
        ADD COLUMN subject_ref    text,
        -- The call script the task names (the later collection buckets' offer).
        ADD COLUMN template_key   text,
        -- Not offered before (a call back at the time agreed, a collection call at the customer's hour).
        ADD COLUMN not_before     timestamptz,
        ADD COLUMN reasons        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(reasons) = 'array'),
        -- The disposition that closed a desk task (the call's outcome).
        ADD COLUMN disposition_id uuid REFERENCES customer_dispositions (id) ON DELETE SET NULL,
        -- How many times "no answer" booked the next try of a promised call.
        ADD COLUMN attempts       smallint NOT NULL DEFAULT 0`);

    await q.query(`
      INSERT INTO work_orders (id, kind, customer_id, summary, severity, queue, status, assignee_id, opened_at, due_by,
                               first_action_at, closed_at, outcome, updated_at, priority, subject_ref, template_key,
                               not_before, reasons, disposition_id)
      SELECT t.id, t.kind, t.customer_id,
             CASE WHEN t.kind = 'fraud_verification' THEN 'Fraud verification call'
                  WHEN t.kind = 'fraud_confirmed' THEN 'Fraud confirmed: next steps call'
                  WHEN t.kind = 'call_back' THEN 'Call back'
                  ELSE 'Collections call' END,
             CASE WHEN t.priority >= 300 THEN 'high' ELSE 'medium' END,
             'agent-desk',
             CASE WHEN t.status = 'done' THEN 'resolved' WHEN t.status = 'cancelled' THEN 'cancelled'
                  WHEN t.taken_by IS NOT NULL THEN 'in_progress' ELSE 'open' END,
             t.taken_by, t.created_at,
             greatest(coalesce(t.due_at, t.created_at), t.created_at) + make_interval(mins =>
               CASE t.kind WHEN 'fraud_verification' THEN 60 WHEN 'fraud_confirmed' THEN 240 WHEN 'call_back' THEN 30 ELSE 1440 END),
             t.taken_at,
             CASE WHEN t.status = 'done' THEN t.done_at
                  WHEN t.status = 'cancelled' THEN coalesce(t.updated_at, t.created_at) END,
             CASE WHEN t.status = 'done' THEN coalesce(d.code, 'done') END,
             coalesce(t.updated_at, t.created_at), t.priority, t.subject_ref, t.template_key, t.due_at, t.reasons, t.disposition_id
        FROM agent_tasks t LEFT JOIN customer_dispositions d ON d.id = t.disposition_id`);
    // The history the tasks had in their columns, as the lines every work order has.
    await q.query(`
      INSERT INTO work_order_events (work_order_id, at, action, status, detail)
      SELECT w.id, w.opened_at, 'opened', 'open', jsonb_build_object('by', w.kind) FROM work_orders w WHERE w.queue = 'agent-desk'
      UNION ALL
      SELECT w.id, w.first_action_at, 'claimed', 'in_progress', '{}' FROM work_orders w
       WHERE w.queue = 'agent-desk' AND w.assignee_id IS NOT NULL AND w.first_action_at IS NOT NULL
      UNION ALL
      SELECT w.id, w.closed_at, CASE WHEN w.status = 'resolved' THEN 'resolved' ELSE 'cancelled' END, w.status,
             jsonb_strip_nulls(jsonb_build_object('outcome', w.outcome)) FROM work_orders w
       WHERE w.queue = 'agent-desk' AND w.closed_at IS NOT NULL`);
    await q.query(`DROP TABLE agent_tasks`);

    // One open task per customer and case: keep the newest, cancel the rest (with why).
    await q.query(`
      UPDATE work_orders w SET status = 'cancelled', closed_at = w.updated_at,
             reasons = w.reasons || '[{"code": "DUPLICATE_TASK"}]'::jsonb
        FROM (SELECT id, row_number() OVER (PARTITION BY customer_id, subject_ref ORDER BY opened_at DESC, id DESC) AS n
                FROM work_orders WHERE closed_at IS NULL AND subject_ref IS NOT NULL) dup
       WHERE w.id = dup.id AND dup.n > 1`);
    await q.query(`
      CREATE UNIQUE INDEX work_orders_open_subject_key ON work_orders (customer_id, subject_ref)
       WHERE closed_at IS NULL AND subject_ref IS NOT NULL`);
    // A collection bucket's call happens once per cycle, even after the first was done.
    await q.query(
      `CREATE UNIQUE INDEX work_orders_collect_key ON work_orders (subject_ref, kind) WHERE subject_ref ~ '^collect:'`,
    );
    // The desk's queue: open, soonest first within a rank.
    await q.query(`CREATE INDEX work_orders_desk_idx ON work_orders (priority DESC, due_by) WHERE status = 'open'`);
    await q.query(`CREATE INDEX work_orders_subject_idx ON work_orders (subject_ref) WHERE subject_ref IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_tasks (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id    uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        kind           text NOT NULL,
        priority       smallint NOT NULL,
        subject_ref    text,
        status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
        created_at     timestamptz NOT NULL,
        template_key   text,
        due_at         timestamptz,
        reasons        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(reasons) = 'array'),
        updated_at     timestamptz,
        taken_by       uuid REFERENCES users (id) ON DELETE SET NULL,
        taken_at       timestamptz,
        done_at        timestamptz,
        disposition_id uuid REFERENCES customer_dispositions (id) ON DELETE SET NULL,
        CHECK ((taken_by IS NULL) = (taken_at IS NULL)),
        CHECK ((status = 'done') = (done_at IS NOT NULL))
      )`);
    await q.query(`
      INSERT INTO agent_tasks (id, customer_id, kind, priority, subject_ref, status, created_at, template_key, due_at, reasons,
                               updated_at, taken_by, taken_at, done_at, disposition_id)
      SELECT id, customer_id, kind, priority, subject_ref,
             CASE status WHEN 'resolved' THEN 'done' WHEN 'cancelled' THEN 'cancelled' ELSE 'open' END,
             opened_at, template_key, not_before, reasons, updated_at, assignee_id,
             CASE WHEN assignee_id IS NOT NULL THEN coalesce(first_action_at, opened_at) END,
             CASE WHEN status = 'resolved' THEN closed_at END, disposition_id
        FROM work_orders WHERE queue = 'agent-desk'`);
    await q.query(`DELETE FROM work_orders WHERE queue = 'agent-desk'`);
    await q.query(`CREATE UNIQUE INDEX agent_tasks_open_subject_key ON agent_tasks (kind, subject_ref) WHERE status = 'open'`);
    await q.query(`CREATE INDEX agent_tasks_queue_idx ON agent_tasks (priority DESC, created_at) WHERE status = 'open'`);
    await q.query(`CREATE UNIQUE INDEX agent_tasks_flow_key ON agent_tasks (subject_ref, kind) WHERE subject_ref ~ '^collect:'`);
    await q.query(`DROP INDEX work_orders_subject_idx`);
    await q.query(`DROP INDEX work_orders_desk_idx`);
    await q.query(`DROP INDEX work_orders_collect_key`);
    await q.query(`DROP INDEX work_orders_open_subject_key`);
    await q.query(`
      ALTER TABLE work_orders
        DROP COLUMN attempts, DROP COLUMN disposition_id, DROP COLUMN reasons, DROP COLUMN not_before,
        DROP COLUMN template_key, DROP COLUMN subject_ref, DROP COLUMN priority,
        DROP CONSTRAINT work_orders_kind_check,
        ADD CONSTRAINT work_orders_kind_check CHECK (kind IN ('alert', 'inbound_reply', 'complaint'))`);
  }
}
