import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What 1763700210000 meant to do. PostgreSQL 18 has two `uuidv7` functions (with and without a
 * shift interval), so `to_regproc('uuidv7')`, which wants a unique name, found none and left
 * random UUIDs in place; `to_regprocedure` names the signature. API-created customers get
 * time-ordered ids again; imports make their own (CustomerIdGenerator), in the same order.
 */
export class CustomerIdsUuidv71763701000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF to_regprocedure('uuidv7()') IS NOT NULL THEN
          ALTER TABLE customers ALTER COLUMN id SET DEFAULT uuidv7();
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customers ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
  }
}
