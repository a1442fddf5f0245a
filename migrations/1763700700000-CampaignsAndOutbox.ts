import { MigrationInterface, QueryRunner } from 'typeorm';

/** Campaigns, their runs, and the outbox of contact tasks the dispatcher drains. */
export class CampaignsAndOutbox1763700700000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaigns (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name               text NOT NULL UNIQUE,
        description        text NOT NULL DEFAULT '',
        purpose            text NOT NULL CHECK (purpose IN ('collections', 'service', 'fraud', 'marketing')),
        status             text NOT NULL DEFAULT 'draft'
                             CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled')),
        -- Exactly one audience: a saved segment, or an uploaded list of customer references.
        segment_id         uuid REFERENCES segments (id) ON DELETE RESTRICT,
        audience_refs      text[],
        plan               jsonb NOT NULL CHECK (jsonb_typeof(plan) = 'array' AND jsonb_array_length(plan) BETWEEN 1 AND 10),
        -- Template versions fixed at launch, so editing a file never changes a running campaign.
        pinned_versions    jsonb,
        starts_at          timestamptz NOT NULL,
        ends_at            timestamptz NOT NULL,
        recurrence_cron    text,
        recurrence_zone    text,
        send_rate_per_second numeric CHECK (send_rate_per_second > 0),
        priority           smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 99),
        created_by         uuid,
        launched_at        timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CHECK ((segment_id IS NULL) <> (audience_refs IS NULL)),
        CHECK (ends_at > starts_at),
        CHECK ((recurrence_cron IS NULL) = (recurrence_zone IS NULL))
      )`);

    await q.query(`
      CREATE TABLE campaign_runs (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id      uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        -- The period this run is for ('once', or the cron tick in the campaign's zone): a second
        -- instance, a restart or a repeated tick finds the key taken and creates nothing.
        run_key          text NOT NULL,
        materialised     integer NOT NULL DEFAULT 0,
        -- Set once every task of the run is in; until then a later tick finishes the run.
        completed_at     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (campaign_id, run_key)
      )`);

    await q.query(`
      CREATE TABLE contact_tasks (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id      uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        campaign_id      uuid REFERENCES campaigns (id) ON DELETE CASCADE,
        -- No foreign key: every task of a run has the same one, checked row by row it would cost
        -- a third of materialising; the campaign's key cascades the cleanup.
        run_id           uuid,
        step             smallint NOT NULL DEFAULT 0 CHECK (step >= 0),
        -- The flow instance (fraud case, reminder cycle) that asked for this contact, if any.
        subject_ref      text,
        purpose          text NOT NULL CHECK (purpose IN ('collections', 'service', 'fraud', 'marketing')),
        channel          text NOT NULL CHECK (channel IN ('sms', 'email', 'call')),
        template_key     text NOT NULL,
        template_version text,
        variables        jsonb NOT NULL DEFAULT '{}',
        -- Higher first: fraud 300+, collections 200+, service 100+, marketing 0+ (plus campaign priority).
        priority         smallint NOT NULL,
        status           text NOT NULL DEFAULT 'pending' CHECK (status IN (
                           'pending', 'claimed', 'sending', 'sent', 'failed', 'suppressed', 'expired',
                           'cancelled', 'skipped', 'unknown')),
        due_at           timestamptz NOT NULL,
        expires_at       timestamptz,
        lease_until      timestamptz,
        claimed_by       text,
        attempts         smallint NOT NULL DEFAULT 0,
        -- Why the task is where it is: the policy's reasons, a provider error, a skip condition.
        reasons          jsonb NOT NULL DEFAULT '[]',
        -- A follow-up step runs only if its condition holds of the previous step's outcome.
        condition        text CHECK (condition IN ('always', 'not_delivered', 'no_reply', 'no_reply_and_not_delivered')),
        previous_task_id uuid REFERENCES contact_tasks (id) ON DELETE SET NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CHECK ((status IN ('claimed', 'sending')) = (lease_until IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX contact_tasks_run_customer_step_key ON contact_tasks (run_id, customer_id, step) WHERE run_id IS NOT NULL`,
    );
    // The dispatcher's hot query: due pending work, most urgent first.
    await q.query(`CREATE INDEX contact_tasks_due_idx ON contact_tasks (priority DESC, due_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX contact_tasks_lease_idx ON contact_tasks (lease_until) WHERE status IN ('claimed', 'sending')`);
    await q.query(`CREATE INDEX contact_tasks_campaign_idx ON contact_tasks (campaign_id) WHERE campaign_id IS NOT NULL`);
    await q.query(`CREATE INDEX contact_tasks_customer_idx ON contact_tasks (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX contact_tasks_subject_idx ON contact_tasks (subject_ref) WHERE subject_ref IS NOT NULL`);
    // For the self-reference: without it, deleting tasks scans the table once per deleted row.
    await q.query(
      `CREATE INDEX contact_tasks_previous_idx ON contact_tasks (previous_task_id) WHERE previous_task_id IS NOT NULL`,
    );

    await q.query(
      `ALTER TABLE contact_attempts ADD CONSTRAINT contact_attempts_task_fk FOREIGN KEY (task_id) REFERENCES contact_tasks (id) ON DELETE SET NULL`,
    );
    await q.query(
      `ALTER TABLE contact_attempts ADD CONSTRAINT contact_attempts_campaign_fk FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE SET NULL`,
    );
    await q.query(
      `CREATE INDEX contact_attempts_campaign_idx ON contact_attempts (campaign_id, status) WHERE campaign_id IS NOT NULL`,
    );

    // Shared pacing across every instance: the next free send slot per sender (GCRA).
    await q.query(`
      CREATE TABLE sender_pacing (
        sender       text PRIMARY KEY,
        next_slot_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sender_pacing`);
    await q.query(`ALTER TABLE contact_attempts DROP CONSTRAINT contact_attempts_campaign_fk`);
    await q.query(`ALTER TABLE contact_attempts DROP CONSTRAINT contact_attempts_task_fk`);
    await q.query(`DROP INDEX contact_attempts_campaign_idx`);
    await q.query(`DROP TABLE contact_tasks`);
    await q.query(`DROP TABLE campaign_runs`);
    await q.query(`DROP TABLE campaigns`);
  }
}
