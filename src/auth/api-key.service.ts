import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hashApiKey } from './api-key.secret';
import { Principal } from './role';

@Injectable()
export class ApiKeyService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async authenticate(key: string): Promise<Principal | undefined> {
    const [row] = await this.db.query(
      `SELECT k.id AS "keyId", u.id AS "userId", u.username, u.role,
              k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute' AS "touch"
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.hash = $1 AND k.revoked_at IS NULL AND NOT u.disabled`,
      [hashApiKey(key)],
    );
    if (!row) return undefined;
    // Last use is for people auditing keys; minute precision spares a write on every request.
    if (row.touch) await this.db.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [row.keyId]);
    return { userId: row.userId, username: row.username, role: row.role };
  }
}
