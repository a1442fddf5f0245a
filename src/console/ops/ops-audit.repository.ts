import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../../database/sql';

export interface UsernameRow {
  id: string;
  username: string;
}

/** The users the audit log page names: actors by id, and the id of a username searched for. */
@Injectable()
export class OpsAuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async usernames(ids: string[]): Promise<UsernameRow[]> {
    return sql<UsernameRow>(this.db, `SELECT id, username FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async userIdOf(username: string): Promise<string | undefined> {
    return (await sqlOne<{ id: string }>(this.db, `SELECT id FROM users WHERE username = $1`, [username]))?.id;
  }
}
