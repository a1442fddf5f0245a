import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql, sqlOne } from '../database/sql';

/** The users table's statements that TypeORM's repository does not say: each runs in the caller's transaction. */
@Injectable()
export class UsersRepository {
  /** Ends every console session of the user. */
  async endConsoleSessions(manager: EntityManager, userId: string): Promise<void> {
    await sql(manager, `DELETE FROM console_sessions WHERE user_id = $1`, [userId]);
  }

  /** Held to the transaction's end, so two instances starting together make one admin. */
  async lockTable(manager: EntityManager): Promise<void> {
    await sql(manager, 'LOCK TABLE users IN EXCLUSIVE MODE');
  }

  async count(manager: EntityManager): Promise<number> {
    return (await sqlOne<{ count: number }>(manager, 'SELECT count(*)::int AS count FROM users'))!.count;
  }
}
