import { Client } from 'pg';
import { attemptIdAt } from '../../src/dispatch/attempt-id';
import { EntityManager } from 'typeorm';
import { AttemptLogRepository, attemptIs, attemptsSpan, recordAttemptsFrom } from '../../src/dispatch/attempt-log.repository';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * Recording a send's outcome must read one month of the partitioned history, not every month
 * kept: attempt ids are random, so without the attempt's instant each id is looked up in every
 * partition's index — a cost that would grow with the retention window (two years: 25 lookups
 * per send instead of one).
 */
describe("recording an attempt's outcome, in a history partitioned by month", () => {
  let database: TestDatabase;
  let db: Client;
  const at = '2026-06-15T10:00:00Z';
  let attemptId: string;
  /** Sent by the dispatcher: its id made from the instant the send was prepared, a moment before it was opened. */
  const sentAt = '2026-03-31T23:59:59.500Z';
  const sentId = attemptIdAt(new Date('2026-03-31T23:59:59.000Z'));

  /** The partitions of contact_attempts the statement actually read, from its executed plan. */
  async function partitionsRead(knownAt: boolean): Promise<string[]> {
    return partitionsReadBy(
      `WITH results AS (SELECT $1::uuid AS id, 'sent'::text AS status, 'SM1'::text AS provider_ref, NULL::text AS error_code,
                               NULL::text AS detail, $2::timestamptz AS attempted_at)
       ${recordAttemptsFrom('results', true, knownAt ? { from: '$3::timestamptz', to: '$4::timestamptz' } : undefined)}`,
      [attemptId, at, ...(knownAt ? attemptsSpan([new Date(at)]) : [])],
    );
  }

  async function partitionsReadBy(sql: string, params: unknown[]): Promise<string[]> {
    await db.query('BEGIN');
    try {
      const [{ 'QUERY PLAN': plan }] = (await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)).rows;
      const read = new Set<string>();
      const walk = (node: Record<string, unknown>) => {
        const relation = node['Relation Name'];
        // The partitions (contact_attempts_pYYYYMM, _default), not the parent the update is named by.
        if (typeof relation === 'string' && relation.startsWith('contact_attempts_') && Number(node['Actual Loops']) > 0) {
          read.add(relation);
        }
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk(plan[0].Plan);
      return [...read].sort();
    } finally {
      await db.query('ROLLBACK');
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
    // A year of months kept.
    await db.query(
      `SELECT history_ensure_month('contact_attempts', m::date)
         FROM generate_series('2025-07-01'::date, '2026-07-01'::date, interval '1 month') AS m`,
    );
    const { rows } = await db.query(
      `WITH c AS (INSERT INTO customers (external_ref, full_name, locale, timezone, country, currency)
                  VALUES ('C-prune', 'Test', 'en', 'UTC', 'US', 'USD') RETURNING id)
       INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status, attempted_at)
       SELECT id, 'service', 'sms', 'twilio', 'pending', $1 FROM c RETURNING id`,
      [at],
    );
    attemptId = rows[0].id;
    await db.query(
      `INSERT INTO contact_attempts (id, customer_id, purpose, channel, provider, provider_ref, status, attempted_at)
       SELECT $1, customer_id, 'service', 'sms', 'twilio', 'SM-v7', 'sent', $2 FROM contact_attempts WHERE id = $3`,
      [sentId, sentAt, attemptId],
    );
  });

  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  it("reads only the attempt's month when the result carries its instant", async () => {
    expect(await partitionsRead(true)).toEqual(['contact_attempts_p202606']);
  });

  it('reads every month otherwise (what knownAt saves)', async () => {
    expect((await partitionsRead(false)).length).toBeGreaterThan(12);
  });

  it('finds an attempt by its id alone (a status callback) in the one or two months the id names', async () => {
    // Prepared on the last second of March: the range the id gives runs into April, not further.
    expect(await partitionsReadBy(`SELECT id FROM contact_attempts WHERE ${attemptIs('$1')} FOR UPDATE`, [sentId])).toEqual([
      'contact_attempts_p202603',
      'contact_attempts_p202604',
    ]);
    const { rows } = await db.query(`SELECT provider_ref FROM contact_attempts WHERE ${attemptIs('$1')}`, [sentId]);
    expect(rows).toEqual([{ provider_ref: 'SM-v7' }]);
  });

  it('looks for an id without an instant (a random one, from before) in every month', async () => {
    expect(
      (await partitionsReadBy(`SELECT id FROM contact_attempts WHERE ${attemptIs('$1')}`, [attemptId])).length,
    ).toBeGreaterThan(12);
    const { rows } = await db.query(`SELECT id FROM contact_attempts WHERE ${attemptIs('$1')}`, [attemptId]);
    expect(rows).toEqual([{ id: attemptId }]);
  });

  it('refuses an attempt opened outside the range its id names, so a bounded look-up never misses one', async () => {
    await expect(
      db.query(
        `INSERT INTO contact_attempts (id, customer_id, purpose, channel, provider, status, attempted_at)
         SELECT $1, customer_id, 'service', 'sms', 'twilio', 'pending', '2026-06-20T00:00:00Z' FROM contact_attempts WHERE id = $2`,
        [attemptIdAt(new Date('2026-06-15T10:00:00Z')), attemptId],
      ),
    ).rejects.toThrow('contact_attempts_id_instant_check');
  });

  it("asks whether a provider's records already belong to attempts in the months around the records only (the reconciler)", async () => {
    let read: string[] = [];
    // The repository's own statement, run under EXPLAIN ANALYZE on the real database.
    const explaining = {
      query: async (sql: string, params: unknown[]) => {
        read = await partitionsReadBy(sql, params);
        return [];
      },
    } as unknown as EntityManager;
    await new AttemptLogRepository(undefined as never).knownRefs(
      explaining,
      ['twilio'],
      ['SM-v7'],
      new Date('2026-03-30T23:59:59Z'),
      new Date('2026-04-02T00:00:00Z'),
    );
    expect(read).toEqual(['contact_attempts_p202603', 'contact_attempts_p202604']);
  });
});
