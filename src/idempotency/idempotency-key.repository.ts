import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RememberedRequest } from './idempotency.rules';
import { sql, sqlCount, sqlOne } from '../database/sql';

export interface KeyOf {
  principalId: string;
  key: string;
}

/** The idempotency_keys table: who used which key for which request, and the answer it got. */
@Injectable()
export class IdempotencyKeyRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Takes the key for this request, in a statement of its own so that every other request sees
   * the claim at once: true when this request may act. A key whose 24 h are over is taken afresh.
   * Of concurrent claims PostgreSQL lets one insert; the others wait for it and then find its row.
   */
  async claim(of: KeyOf, requestHash: string, now: Date, expiresAt: Date): Promise<boolean> {
    const rows = await sql(
      this.db,
      `INSERT INTO idempotency_keys AS k (principal_id, key, request_hash, state, created_at, expires_at)
       VALUES ($1, $2, $3, 'running', $4, $5)
       ON CONFLICT (principal_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, state = 'running', response_status = NULL, response_body = NULL,
              created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE k.expires_at <= EXCLUDED.created_at
       RETURNING 1`,
      [of.principalId, of.key, requestHash, now, expiresAt],
    );
    return rows.length === 1;
  }

  /** The request that holds the key, if any still does. */
  async find(of: KeyOf): Promise<RememberedRequest | undefined> {
    return sqlOne<RememberedRequest>(
      this.db,
      `SELECT request_hash AS "requestHash", state, response_status AS "responseStatus", response_body AS "responseBody"
         FROM idempotency_keys WHERE principal_id = $1 AND key = $2`,
      [of.principalId, of.key],
    );
  }

  /** The request acted and answered: its answer is what the key replays until it expires. */
  async complete(of: KeyOf, status: number, body: unknown): Promise<void> {
    await sql(
      this.db,
      `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4::json
        WHERE principal_id = $1 AND key = $2 AND state = 'running'`,
      [of.principalId, of.key, status, JSON.stringify(body ?? null)],
    );
  }

  /** The request failed (its transaction rolled back): the key is free for a retry. */
  async release(of: KeyOf): Promise<void> {
    await sql(this.db, `DELETE FROM idempotency_keys WHERE principal_id = $1 AND key = $2 AND state = 'running'`, [
      of.principalId,
      of.key,
    ]);
  }

  /** Forgets keys whose 24 h are over; how many. */
  async deleteExpired(now: Date): Promise<number> {
    return sqlCount(this.db, `DELETE FROM idempotency_keys WHERE expires_at <= $1`, [now]);
  }
}
