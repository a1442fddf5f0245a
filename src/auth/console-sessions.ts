import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Locale } from '../customers/customer.entity';
import { Principal } from './role';
import { sql, sqlOne } from '../database/sql';

/** A signed-in person as the console sees them. */
export interface ConsoleSession extends Principal {
  displayName: string;
  locale: Locale;
  /** Every form carries it; a post without it is refused (synchroniser token). */
  csrfToken: string;
}

/** `__Host-`: Secure, path /, no Domain — the browser refuses it from anywhere else. */
export const sessionCookieName = (config: AppConfig) =>
  config.console.secureCookies ? '__Host-herald_session' : 'herald_session';

/** The form field and header the CSRF token travels in. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** One cookie's raw value (our tokens are base64url: nothing to decode). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The person behind a session row (`user_id`, `csrf_token`) a CTE hands on. */
const SESSION_OF = (cte: string) =>
  `SELECT u.id AS "userId", u.username, u.role, u.display_name AS "displayName", u.locale, s.csrf_token AS "csrfToken"
     FROM ${cte} s JOIN users u ON u.id = s.user_id
    WHERE NOT u.disabled`;

const hash = (token: string) => createHash('sha256').update(token).digest();
const newToken = () => randomBytes(32).toString('base64url');

/** Two strings equal in constant time (tokens compared with `===` leak their prefix by timing). */
export function sameToken(a: string | undefined, b: string): boolean {
  const left = Buffer.from(a ?? '');
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Console sessions: a random token in the cookie, its SHA-256 in the database, sliding expiry. */
@Injectable()
export class ConsoleSessions {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * The account a name signs in to: not disabled, and a person's — integrations are systems with
   * keys and never sign in to the console. SignInService checks the password and the throttle.
   */
  async findAccount(username: string): Promise<{ id: string; passwordHash: string | null } | undefined> {
    return sqlOne<{ id: string; passwordHash: string | null }>(
      this.db,
      `SELECT id, password_hash AS "passwordHash" FROM users
        WHERE lower(username) = lower($1) AND NOT disabled AND role <> 'integration'`,
      [username],
    );
  }

  /** A new session for the person: the token for their cookie, and the session as `resume` will give it. */
  async open(userId: string): Promise<{ token: string; session: ConsoleSession }> {
    const token = newToken();
    const session = (await sqlOne<ConsoleSession>(
      this.db,
      `WITH opened AS (
         INSERT INTO console_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $4, $4::timestamptz + make_interval(mins => $5))
         RETURNING user_id, csrf_token)
       ${SESSION_OF('opened')}`,
      [hash(token), userId, newToken(), this.clock.now(), this.config.console.sessionIdleMinutes],
    ))!;
    return { token, session };
  }

  /** The session's person, its expiry pushed on; nothing if it expired or the user was disabled. */
  async resume(token: string): Promise<ConsoleSession | undefined> {
    return sqlOne<ConsoleSession>(
      this.db,
      `WITH renewed AS (
         UPDATE console_sessions s
            SET last_seen_at = $2, expires_at = $2::timestamptz + make_interval(mins => $3)
          WHERE s.token_hash = $1 AND s.expires_at > $2
          RETURNING s.user_id, s.csrf_token)
       ${SESSION_OF('renewed')}`,
      [hash(token), this.clock.now(), this.config.console.sessionIdleMinutes],
    );
  }

  async close(token: string): Promise<void> {
    await sql(this.db, `DELETE FROM console_sessions WHERE token_hash = $1 OR expires_at < $2`, [hash(token), this.clock.now()]);
  }
}
