import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sqlOne } from '../database/sql';

/**
 * Paces each sender (an SMS number, the voice account, the mail server) at its configured rate
 * across every instance. The next free slot per sender lives in PostgreSQL; a batch reserves its
 * slots in one statement (GCRA: a token bucket of depth one), then each send waits for its own.
 * Exact spacing of 1/rate keeps every calendar second at or under the limit.
 */
@Injectable()
export class SendPacer {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The instants at which `count` sends from `sender` may go, at `perSecond`. */
  async reserve(sender: string, count: number, perSecond: number, now: Date): Promise<Date[]> {
    const spacingMs = 1000 / perSecond;
    const { first } = (await sqlOne<{ first: Date }>(
      this.db,
      `INSERT INTO sender_pacing AS p (sender, next_slot_at)
       VALUES ($1, $2::timestamptz + make_interval(secs => $3::int * $4::float8 / 1000.0))
       ON CONFLICT (sender) DO UPDATE
          SET next_slot_at = greatest(p.next_slot_at, $2::timestamptz) + make_interval(secs => $3::int * $4::float8 / 1000.0)
       RETURNING next_slot_at - make_interval(secs => $3::int * $4::float8 / 1000.0) AS first`,
      [sender, now, count, spacingMs],
    ))!;
    const start = new Date(first).getTime();
    return Array.from({ length: count }, (_, i) => new Date(start + i * spacingMs));
  }
}
