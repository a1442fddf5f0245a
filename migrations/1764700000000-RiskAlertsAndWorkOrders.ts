import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Risk early warning (docs/alerts.md): alert rules in the segment language, their episodes per
 * customer (one open episode per rule and customer, so a rule fires once on entering), work
 * orders with an SLA and a history of every action, the queues' staff and supervisors, and the
 * notifications they were sent (one per order, person and stage). The work order's outcome is
 * written back to the profile.
 */
export class RiskAlertsAndWorkOrders1764700000000 implements MigrationInterface {
  name = 'RiskAlertsAndWorkOrders1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE alert_rules (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 120),
        description   text,
        rule          jsonb NOT NULL,
        -- The profile properties the rule reads: a change to none of them cannot move a customer in or out.
        reads         text[] NOT NULL,
        -- Evaluated over the whole book on schedule too (a rule on day counts moves with the calendar).
        scheduled     boolean NOT NULL,
        severity      text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        queue         text NOT NULL CHECK (queue ~ '^[a-z0-9_-]{1,40}$'),
        sla_minutes   integer NOT NULL CHECK (sla_minutes BETWEEN 1 AND 43200),
        close_on_exit boolean NOT NULL DEFAULT true,
        enabled       boolean NOT NULL DEFAULT true,
        owner_id      uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at    timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE alert_episodes (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id     uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
        customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        opened_at   timestamptz NOT NULL,
        closed_at   timestamptz,
        CHECK (closed_at IS NULL OR closed_at >= opened_at)
      )`);
    // The "once per episode" invariant: a second evaluation while the customer stays in finds this and adds nothing.
    await q.query(`CREATE UNIQUE INDEX alert_episodes_open_key ON alert_episodes (rule_id, customer_id) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX alert_episodes_customer_idx ON alert_episodes (customer_id)`);

    await q.query(`
      CREATE TABLE work_queues (
        name          text PRIMARY KEY CHECK (name ~ '^[a-z0-9_-]{1,40}$'),
        supervisor_id uuid REFERENCES users (id) ON DELETE SET NULL
      )`);
    await q.query(`
      CREATE TABLE work_queue_members (
        queue   text NOT NULL REFERENCES work_queues (name) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        PRIMARY KEY (queue, user_id)
      )`);
    await q.query(`CREATE INDEX work_queue_members_user_idx ON work_queue_members (user_id)`);
    await q.query(`
      CREATE TABLE staff_notification_settings (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'console')),
        email   text,
        phone   text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        CHECK (channel <> 'email' OR email IS NOT NULL),
        CHECK (channel <> 'sms' OR phone IS NOT NULL)
      )`);

    await q.query(`
      CREATE TABLE work_orders (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind             text NOT NULL CHECK (kind IN ('alert', 'inbound_reply', 'complaint')),
        customer_id      uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        alert_rule_id    uuid REFERENCES alert_rules (id) ON DELETE SET NULL,
        alert_episode_id uuid UNIQUE REFERENCES alert_episodes (id) ON DELETE SET NULL,
        -- What opened it outside an alert: the inbound message's provider id.
        source_ref       text,
        summary          text NOT NULL,
        severity         text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        queue            text NOT NULL CHECK (queue ~ '^[a-z0-9_-]{1,40}$'),
        status           text NOT NULL DEFAULT 'open'
                         CHECK (status IN ('open', 'in_progress', 'waiting_on_customer', 'resolved', 'cancelled')),
        assignee_id      uuid REFERENCES users (id) ON DELETE SET NULL,
        opened_at        timestamptz NOT NULL,
        due_by           timestamptz NOT NULL CHECK (due_by > opened_at),
        first_action_at  timestamptz,
        closed_at        timestamptz,
        escalated_at     timestamptz,
        outcome          text,
        note             text,
        updated_at       timestamptz NOT NULL,
        CHECK ((status IN ('resolved', 'cancelled')) = (closed_at IS NOT NULL)),
        CHECK (status <> 'resolved' OR outcome IS NOT NULL),
        CHECK (status <> 'in_progress' OR assignee_id IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX work_orders_source_key ON work_orders (kind, source_ref) WHERE source_ref IS NOT NULL`);
    // The queues as agents and the SLA sweep read them: what is still open, soonest due first.
    await q.query(`CREATE INDEX work_orders_open_idx ON work_orders (queue, due_by) WHERE closed_at IS NULL`);
    await q.query(`CREATE INDEX work_orders_customer_idx ON work_orders (customer_id)`);
    await q.query(`CREATE INDEX work_orders_opened_idx ON work_orders (opened_at)`);
    await q.query(`
      CREATE TABLE work_order_events (
        id            bigserial PRIMARY KEY,
        work_order_id uuid NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
        at            timestamptz NOT NULL,
        actor_id      uuid REFERENCES users (id) ON DELETE SET NULL,
        action        text NOT NULL CHECK (action IN ('opened', 'claimed', 'released', 'status_changed', 'note',
                                                      'resolved', 'cancelled', 'escalated', 'notified')),
        status        text NOT NULL,
        detail        jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX work_order_events_order_idx ON work_order_events (work_order_id, at)`);
    await q.query(`
      CREATE TABLE staff_notifications (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        work_order_id uuid NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
        user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        stage         text NOT NULL CHECK (stage IN ('opened', 'near_breach', 'breached')),
        channel       text NOT NULL CHECK (channel IN ('email', 'sms', 'console')),
        -- sending: handed to the channel; never sent again after a crash (at most once per order, person, stage).
        status        text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        due_at        timestamptz NOT NULL,
        sent_at       timestamptz,
        error         text,
        created_at    timestamptz NOT NULL,
        UNIQUE (work_order_id, user_id, stage)
      )`);
    await q.query(`CREATE INDEX staff_notifications_due_idx ON staff_notifications (due_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX staff_notifications_user_idx ON staff_notifications (user_id, created_at DESC)`);

    await q.query(`ALTER TABLE customers ADD COLUMN last_work_order_outcome text, ADD COLUMN last_work_order_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customers DROP COLUMN last_work_order_outcome, DROP COLUMN last_work_order_at`);
    await q.query(`DROP TABLE staff_notifications`);
    await q.query(`DROP TABLE work_order_events`);
    await q.query(`DROP TABLE work_orders`);
    await q.query(`DROP TABLE staff_notification_settings`);
    await q.query(`DROP TABLE work_queue_members`);
    await q.query(`DROP TABLE work_queues`);
    await q.query(`DROP TABLE alert_episodes`);
    await q.query(`DROP TABLE alert_rules`);
  }
}
