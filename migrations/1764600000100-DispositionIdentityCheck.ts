import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A disposition keeps whether the agent did the script's identity steps; an outcome that discusses
 * the account (DISCUSSES_ACCOUNT in disposition.rules.ts) cannot be stored without them. NOT VALID:
 * the rows recorded before the check was asked for stay as they were.
 */
export class DispositionIdentityCheck1764600000100 implements MigrationInterface {
  name = 'DispositionIdentityCheck1764600000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customer_dispositions
        ADD COLUMN identity_verified boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT customer_dispositions_identity_check
          CHECK (identity_verified OR code NOT IN ('right_party_contact', 'promise_to_pay', 'fraud_confirmed', 'not_fraud')) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE customer_dispositions
        DROP CONSTRAINT customer_dispositions_identity_check,
        DROP COLUMN identity_verified`);
  }
}
