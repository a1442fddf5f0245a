import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Four eyes on a launch: a campaign carries the approval it stands on (cleared by any edit), and
 * every decision — an approval, or a rejection with its reason — is kept. The schema itself holds
 * that nobody approves their own campaign.
 */
export class CampaignApprovals1764600000000 implements MigrationInterface {
  name = 'CampaignApprovals1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN approved_by uuid REFERENCES users (id),
        ADD COLUMN approved_at timestamptz,
        ADD CONSTRAINT campaigns_approval_check CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
        ADD CONSTRAINT campaigns_four_eyes_check CHECK (approved_by IS DISTINCT FROM created_by OR approved_by IS NULL)`);
    await q.query(`
      CREATE TABLE campaign_decisions (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        campaign_id  uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        decision     text NOT NULL CHECK (decision IN ('approved', 'rejected')),
        decided_by   uuid NOT NULL REFERENCES users (id),
        -- A rejection says why, so its author knows what to change.
        reason       text CHECK (decision = 'approved' OR length(btrim(reason)) > 0),
        decided_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX campaign_decisions_campaign_idx ON campaign_decisions (campaign_id, decided_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE campaign_decisions`);
    await q.query(`
      ALTER TABLE campaigns
        DROP CONSTRAINT campaigns_four_eyes_check,
        DROP CONSTRAINT campaigns_approval_check,
        DROP COLUMN approved_at,
        DROP COLUMN approved_by`);
  }
}
