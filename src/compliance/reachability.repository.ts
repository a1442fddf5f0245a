import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DATABASE } from '../database/database.module';
import { sql } from '../database/sql';
import { Channel } from './policy.types';

/** One combination of buckets (an index into REACHABILITY_BUCKETS per channel), and how many customers fall in it. */
export type BucketCombinationRow = Record<Channel, number> & { count: number };

/**
 * Runs the reachability statement ReachabilityService builds from the rule packs (the statement
 * is the policy's rules written in SQL, so it is built beside them).
 */
@Injectable()
export class ReachabilityRepository {
  constructor(
    /** Counts over the whole book: they may lag a little (a replica if there is one). */
    @Inject(READ_DATABASE) private readonly db: DataSource,
  ) {}

  async countCombinations(text: string, values: unknown[]): Promise<BucketCombinationRow[]> {
    // An analytical statement: room to hash the audience's history and consent in memory. The
    // planner cannot know a zone matches one clock, so it expects millions of groups where there
    // are thousands: with more room to hash them it groups without sorting the book (at a million
    // customers the sort alone took 2 of 8 s). Merge joins sorted the audience by zone.
    return this.db.transaction(async (manager) => {
      await sql(manager, `SET LOCAL work_mem = '128MB'`);
      await sql(manager, `SET LOCAL enable_mergejoin = off`);
      await sql(manager, `SET LOCAL hash_mem_multiplier = 8`);
      return sql<BucketCombinationRow>(manager, text, values);
    });
  }
}
