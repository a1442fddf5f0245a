import { MigrationInterface, QueryRunner } from 'typeorm';

/** Saved segments: a named rule over the customer book, evaluated on demand, never cached. */
export class Segments1763700300000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE segments (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
        description   text CHECK (length(description) <= 2000),
        -- Validated by the segment compiler before it is stored; a tree of all / any / not / conditions.
        rule          jsonb NOT NULL CHECK (jsonb_typeof(rule) = 'object'),
        owner_id      uuid NOT NULL REFERENCES users (id),
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX segments_name_key ON segments (lower(name))`);
    await q.query(`CREATE INDEX segments_owner_idx ON segments (owner_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE segments`);
  }
}
