import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A campaign's revision, raised by every save through TypeORM (an edit, a pause …). Launch checks a
 * campaign without holding it, then launches under its row lock only if the revision is still the
 * one it checked: an edit committed in between cannot be launched unchecked.
 */
export class CampaignRevision1765000000000 implements MigrationInterface {
  name = 'CampaignRevision1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns ADD COLUMN revision integer NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN revision`);
  }
}
