import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../database/sql';

export type ThrottleKind = 'account' | 'address';

export interface ThrottleSubject {
  kind: ThrottleKind;
  /** A user id, or a client address. */
  subject: string;
}

export interface SignInLock extends ThrottleSubject {
  failures: number;
  lastFailedAt: Date;
  lockedUntil: Date | null;
}

const COLUMNS = `kind, subject, failures, last_failed_at AS "lastFailedAt", locked_until AS "lockedUntil"`;

/** The sign_in_failures table: counts in a row, and the locks they earned. */
@Injectable()
export class SignInThrottleRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(subjects: ThrottleSubject[]): Promise<SignInLock[]> {
    return sql<SignInLock>(
      this.db,
      `SELECT ${COLUMNS} FROM sign_in_failures s
        WHERE (s.kind, s.subject) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [subjects.map((s) => s.kind), subjects.map((s) => s.subject)],
    );
  }

  /** One more failure in a row (a first one after `forgetBefore` starts the count over); the new count. */
  async countFailure(target: ThrottleSubject, now: Date, forgetBefore: Date): Promise<number> {
    const { failures } = (await sqlOne<{ failures: number }>(
      this.db,
      `INSERT INTO sign_in_failures AS s (kind, subject, failures, last_failed_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (kind, subject) DO UPDATE
          SET failures = CASE WHEN s.last_failed_at < $4 THEN 1 ELSE s.failures + 1 END,
              locked_until = CASE WHEN s.last_failed_at < $4 THEN NULL ELSE s.locked_until END,
              last_failed_at = $3
       RETURNING failures`,
      [target.kind, target.subject, now, forgetBefore],
    ))!;
    return failures;
  }

  /** Locks until `until`, never shortening a lock already longer (two instances counting at once). */
  async lock(target: ThrottleSubject, until: Date): Promise<void> {
    await sql(this.db, `UPDATE sign_in_failures SET locked_until = greatest(locked_until, $3) WHERE kind = $1 AND subject = $2`, [
      target.kind,
      target.subject,
      until,
    ]);
  }

  /** Forgets the count and any lock: a success, or an admin's unlock. True if there was something to forget. */
  async clear(targets: ThrottleSubject[]): Promise<boolean> {
    const { n } = (await sqlOne<{ n: number }>(
      this.db,
      `WITH cleared AS (
         DELETE FROM sign_in_failures WHERE (kind, subject) IN (SELECT * FROM unnest($1::text[], $2::text[])) RETURNING 1)
       SELECT count(*)::int AS n FROM cleared`,
      [targets.map((s) => s.kind), targets.map((s) => s.subject)],
    ))!;
    return n > 0;
  }

  async locked(now: Date): Promise<SignInLock[]> {
    return sql<SignInLock>(
      this.db,
      `SELECT ${COLUMNS} FROM sign_in_failures WHERE locked_until > $1 ORDER BY locked_until DESC`,
      [now],
    );
  }
}
