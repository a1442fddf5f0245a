import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Console sign-in failures in a row, per account and per client address, and the lock they earn
 * (src/auth/sign-in-throttle.rules.ts). In PostgreSQL so every instance sees the same count and an
 * admin's unlock holds everywhere. An account is its user id — never the name someone typed.
 */
export class SignInThrottle1763701530000 implements MigrationInterface {
  name = 'SignInThrottle1763701530000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sign_in_failures (
        kind           text NOT NULL CHECK (kind IN ('account', 'address')),
        subject        text NOT NULL,
        failures       integer NOT NULL CHECK (failures > 0),
        last_failed_at timestamptz NOT NULL,
        locked_until   timestamptz,
        PRIMARY KEY (kind, subject),
        CHECK (kind <> 'account' OR subject ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
        CHECK (length(subject) BETWEEN 1 AND 64)
      )`);
    // Admins list the locks in force.
    await q.query(`CREATE INDEX sign_in_failures_locked_idx ON sign_in_failures (locked_until) WHERE locked_until IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sign_in_failures`);
  }
}
