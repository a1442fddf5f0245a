import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Repayment, collections and activation flows: payments, promises to pay, agent dispositions,
 * collection calls on the agent task list, and what the profile learns from outcomes.
 */
export class RepaymentFlows1763700950000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customers
        -- Only promises Herald took (agent, IVR) carry a status; imported dates are left alone.
        ADD COLUMN promise_to_pay_status  text CHECK (promise_to_pay_status IN ('open', 'kept', 'broken')),
        ADD COLUMN promise_to_pay_made_at timestamptz,
        ADD COLUMN last_disposition       text,
        ADD COLUMN last_disposition_at    timestamptz,
        -- The last outcome per purpose: {"collections": {"channel": "call", "outcome": "promise_to_pay", "at": "…"}}.
        ADD COLUMN last_outcomes          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(last_outcomes) = 'object')`);

    // Core systems post each payment once or more: the reference makes the second post a no-op.
    await q.query(`
      CREATE TABLE payments (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id  uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        reference    text NOT NULL UNIQUE,
        amount       bigint NOT NULL CHECK (amount > 0),
        currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        paid_at      timestamptz NOT NULL,
        -- The cycle (due date) it was booked against: that cycle's reminders and collections stop.
        cycle_due_date date,
        received_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX payments_customer_idx ON payments (customer_id, received_at)`);

    await q.query(`
      CREATE TABLE customer_dispositions (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        code          text NOT NULL CHECK (code IN ('right_party_contact', 'promise_to_pay', 'too_many_calls',
                                                    'wrong_number', 'refused', 'no_answer', 'call_back_at')),
        purpose       text NOT NULL CHECK (purpose IN ('collections', 'service', 'fraud', 'marketing')),
        call_back_at  timestamptz,
        note          text,
        agent_id      uuid,
        at            timestamptz NOT NULL,
        CHECK ((code = 'call_back_at') = (call_back_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX customer_dispositions_customer_idx ON customer_dispositions (customer_id, at DESC)`);

    // The fraud flow's agent tasks also carry the later collection buckets' calls: the script to
    // use, when to call, and why a task was cancelled (a payment).
    await q.query(`
      ALTER TABLE agent_tasks
        ADD COLUMN template_key text,
        ADD COLUMN due_at       timestamptz,
        ADD COLUMN reasons      jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(reasons) = 'array'),
        ADD COLUMN updated_at   timestamptz`);
    await q.query(`ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_status_check`);
    await q.query(
      `ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_status_check CHECK (status IN ('open', 'done', 'cancelled'))`,
    );
    // A collection bucket's call happens once per cycle, even after the first task was done.
    await q.query(`CREATE UNIQUE INDEX agent_tasks_flow_key ON agent_tasks (subject_ref, kind) WHERE subject_ref ~ '^collect:'`);

    // One contact per flow step: a second run of the job, or a second instance, inserts nothing.
    await q.query(`
      CREATE UNIQUE INDEX contact_tasks_flow_step_key ON contact_tasks (subject_ref, step)
       WHERE subject_ref ~ '^(repay|collect|activate):'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contact_tasks_flow_step_key`);
    await q.query(`DROP INDEX agent_tasks_flow_key`);
    await q.query(`UPDATE agent_tasks SET status = 'done' WHERE status = 'cancelled'`);
    await q.query(`ALTER TABLE agent_tasks DROP CONSTRAINT agent_tasks_status_check`);
    await q.query(`ALTER TABLE agent_tasks ADD CONSTRAINT agent_tasks_status_check CHECK (status IN ('open', 'done'))`);
    await q.query(
      `ALTER TABLE agent_tasks DROP COLUMN updated_at, DROP COLUMN reasons, DROP COLUMN due_at, DROP COLUMN template_key`,
    );
    await q.query(`DROP TABLE customer_dispositions`);
    await q.query(`DROP TABLE payments`);
    await q.query(`
      ALTER TABLE customers
        DROP COLUMN last_outcomes,
        DROP COLUMN last_disposition_at,
        DROP COLUMN last_disposition,
        DROP COLUMN promise_to_pay_made_at,
        DROP COLUMN promise_to_pay_status`);
  }
}
