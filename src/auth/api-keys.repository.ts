import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../database/sql';
import { Principal } from './role';

/** A live key of an enabled user, and whether its last use is stale enough to record again. */
export interface LiveApiKeyRow extends Principal {
  keyId: string;
  touch: boolean;
}

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The unrevoked key with this hash, if its user is enabled. */
  async findLive(hash: Buffer): Promise<LiveApiKeyRow | undefined> {
    return sqlOne<LiveApiKeyRow>(
      this.db,
      `SELECT k.id AS "keyId", u.id AS "userId", u.username, u.role,
              k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute' AS "touch"
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.hash = $1 AND k.revoked_at IS NULL AND NOT u.disabled`,
      [hash],
    );
  }

  async touchLastUsed(keyId: string): Promise<void> {
    await sql(this.db, 'UPDATE api_keys SET last_used_at = now() WHERE id = $1', [keyId]);
  }
}
