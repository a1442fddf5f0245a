import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refusals are evidence: an audit event keeps the error code a request ended with
 * (`NOT_YOUR_CUSTOMER`, `FORBIDDEN_FOR_ROLE`, …), and every refusal is audited, reads included.
 */
export class AuditRefusalCodes1763701520000 implements MigrationInterface {
  name = 'AuditRefusalCodes1763701520000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events ADD COLUMN code text CHECK (code ~ '^[A-Z][A-Z0-9_]{0,79}$')`);
    await q.query(`CREATE INDEX audit_events_code_idx ON audit_events (code, at DESC) WHERE code IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_events_code_idx`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN code`);
  }
}
