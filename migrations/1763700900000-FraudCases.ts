import { MigrationInterface, QueryRunner } from 'typeorm';

/** Card transactions from the core system, fraud verification cases and the agent tasks they raise. */
export class FraudCases1763700900000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE card_transactions (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id      uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        -- The core system's id: a retried post is the same transaction.
        reference        text NOT NULL UNIQUE,
        amount           bigint NOT NULL CHECK (amount >= 0),
        currency         char(3) NOT NULL,
        merchant         text NOT NULL,
        country          char(2) NOT NULL,
        city             text,
        card_not_present boolean NOT NULL,
        occurred_at      timestamptz NOT NULL,
        received_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX card_transactions_customer_idx ON card_transactions (customer_id, occurred_at DESC)`);
    await q.query(`
      CREATE TABLE fraud_cases (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id    uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        transaction_id uuid NOT NULL UNIQUE REFERENCES card_transactions (id) ON DELETE CASCADE,
        -- What the customer quotes in a reply ("Y 4821").
        reference      char(4) NOT NULL CHECK (reference ~ '^[0-9]{4}$'),
        status         text NOT NULL DEFAULT 'open' CHECK (status IN (
                         'open', 'confirmed_genuine', 'confirmed_fraud', 'escalated_ivr', 'escalated_agent', 'closed')),
        reasons        jsonb NOT NULL CHECK (jsonb_typeof(reasons) = 'array' AND jsonb_array_length(reasons) > 0),
        timeline       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(timeline) = 'array'),
        opened_at      timestamptz NOT NULL,
        escalated_at   timestamptz,
        answered_at    timestamptz,
        CHECK ((answered_at IS NOT NULL) = (status IN ('confirmed_genuine', 'confirmed_fraud')))
      )`);
    // Two cases the customer can still answer never share a reference: a reply names one case.
    await q.query(`
      CREATE UNIQUE INDEX fraud_cases_answerable_reference_key ON fraud_cases (customer_id, reference)
        WHERE status IN ('open', 'escalated_ivr', 'escalated_agent')`);
    // The escalation sweep's scan.
    await q.query(`
      CREATE INDEX fraud_cases_waiting_idx ON fraud_cases (status, coalesce(escalated_at, opened_at))
        WHERE status IN ('open', 'escalated_ivr')`);
    await q.query(`CREATE INDEX fraud_cases_opened_idx ON fraud_cases (opened_at DESC)`);
    await q.query(`
      CREATE TABLE agent_tasks (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        kind        text NOT NULL,
        -- Higher first: fraud before everything else.
        priority    smallint NOT NULL,
        subject_ref text,
        status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
        created_at  timestamptz NOT NULL
      )`);
    // One open task per flow instance: a retried escalation creates no second task.
    await q.query(`CREATE UNIQUE INDEX agent_tasks_open_subject_key ON agent_tasks (kind, subject_ref) WHERE status = 'open'`);
    await q.query(`CREATE INDEX agent_tasks_queue_idx ON agent_tasks (priority DESC, created_at) WHERE status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_tasks`);
    await q.query(`DROP TABLE fraud_cases`);
    await q.query(`DROP TABLE card_transactions`);
  }
}
