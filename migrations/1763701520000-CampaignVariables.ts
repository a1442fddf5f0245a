import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A campaign carries the values its templates' message fields take (`link.url`, `product.name`,
 * `offer.*`), copied into each task it materialises. And a campaign is never for fraud: fraud
 * contacts belong to a fraud case and pass the do-not-contact list, which no campaign may claim.
 */
export class CampaignVariables1763701520000 implements MigrationInterface {
  name = 'CampaignVariables1763701520000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN variables jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(variables) = 'object'),
        DROP CONSTRAINT campaigns_purpose_check,
        ADD CONSTRAINT campaigns_purpose_check CHECK (purpose IN ('collections', 'service', 'marketing'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        DROP COLUMN variables,
        DROP CONSTRAINT campaigns_purpose_check,
        ADD CONSTRAINT campaigns_purpose_check CHECK (purpose IN ('collections', 'service', 'fraud', 'marketing'))`);
  }
}
