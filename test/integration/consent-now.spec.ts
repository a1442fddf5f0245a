import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * customer_consent_now — each customer's latest ledger entry per channel and scope, kept by the
 * ledger's own inserts — must say what the ledger says, whatever order entries arrive or commit
 * in: reachability counts read it instead of the ledger.
 */
describe('the latest consent per customer, kept by the ledger', () => {
  let database: TestDatabase;
  let db: Client;
  let customer: string;

  const entry = (state: 'granted' | 'revoked', at: string, channel = 'sms', scope = 'all') =>
    db.query(`INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, $2, $3, $4, 'api', $5)`, [
      customer,
      channel,
      scope,
      state,
      at,
    ]);

  /** The state the summary holds for each channel and scope, beside what the ledger's latest entry says. */
  const both = async () => {
    const { rows } = await db.query(
      `SELECT k.key,
              CASE n.value % 2 WHEN 1 THEN 'revoked' WHEN 0 THEN 'granted' END AS summary,
              (SELECT e.state FROM consent_events e
                WHERE e.customer_id = $1 AND e.channel || '_' || e.scope = k.key
                ORDER BY e.at DESC, (e.state = 'revoked') DESC, e.id DESC LIMIT 1) AS ledger
         FROM unnest(ARRAY['sms_all', 'sms_marketing', 'email_all', 'email_marketing', 'call_all', 'call_marketing']) AS k (key)
         LEFT JOIN LATERAL (SELECT (to_jsonb(c) ->> k.key)::bigint AS value FROM customer_consent_now c WHERE c.customer_id = $1) n ON true
        ORDER BY k.key`,
      [customer],
    );
    return rows as { key: string; summary: string | null; ledger: string | null }[];
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  beforeEach(async () => {
    const { rows } = await db.query(
      `INSERT INTO customers (external_ref, full_name, phone, locale, timezone, country, currency)
       VALUES ('C-' || gen_random_uuid(), 'Test', NULL, 'en', 'UTC', 'US', 'USD') RETURNING id`,
    );
    customer = rows[0].id;
  });

  afterAll(async () => {
    await db.end();
    await database.drop();
  });

  it('holds nothing for a customer the ledger knows nothing of', async () => {
    expect((await both()).every((k) => k.summary === null && k.ledger === null)).toBe(true);
  });

  it('follows the latest entry, not the last written: an older entry written late changes nothing', async () => {
    await entry('granted', '2026-05-01T10:00:00Z');
    await entry('revoked', '2026-05-03T10:00:00Z');
    await entry('granted', '2026-05-02T10:00:00Z'); // backfilled evidence from before the opt-out

    const sms = (await both()).find((k) => k.key === 'sms_all')!;
    expect(sms).toEqual({ key: 'sms_all', summary: 'revoked', ledger: 'revoked' });
  });

  it('lets a revocation win a tie, as the policy does', async () => {
    await entry('revoked', '2026-05-01T10:00:00Z', 'email', 'marketing');
    await entry('granted', '2026-05-01T10:00:00Z', 'email', 'marketing');

    const email = (await both()).find((k) => k.key === 'email_marketing')!;
    expect(email).toEqual({ key: 'email_marketing', summary: 'revoked', ledger: 'revoked' });
  });

  it('takes the latest of many entries written by one statement (an import), per channel and scope', async () => {
    await db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at)
       SELECT $1, channel, scope, CASE WHEN i % 2 = 0 THEN 'granted' ELSE 'revoked' END, 'import',
              '2026-01-01T00:00:00Z'::timestamptz + make_interval(hours => i * 7 % 23)
         FROM generate_series(1, 40) AS i, unnest(ARRAY['sms', 'email', 'call']) AS channel, unnest(ARRAY['all', 'marketing']) AS scope`,
      [customer],
    );

    const states = await both();
    expect(states.every((k) => k.ledger !== null)).toBe(true);
    expect(states.map((k) => k.summary)).toEqual(states.map((k) => k.ledger));
  });

  it('keeps the latest whatever order concurrent writers commit in', async () => {
    const writers = await Promise.all(
      [0, 1].map(async () => {
        const client = new Client({ connectionString: database.url });
        await client.connect();
        await client.query('BEGIN');
        return client;
      }),
    );
    const write = (client: Client, state: string, at: string) =>
      client.query(
        `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'call', 'all', $2, 'agent', $3)`,
        [customer, state, at],
      );
    try {
      await write(writers[0], 'revoked', '2026-06-02T00:00:00Z'); // the later entry…
      const second = write(writers[1], 'granted', '2026-06-01T00:00:00Z'); // …and an earlier one, waiting on its row
      await writers[0].query('COMMIT');
      await second;
      await writers[1].query('COMMIT'); // committed last, yet older
    } finally {
      await Promise.all(writers.map((client) => client.end()));
    }

    const call = (await both()).find((k) => k.key === 'call_all')!;
    expect(call).toEqual({ key: 'call_all', summary: 'revoked', ledger: 'revoked' });
  });

  it('goes with its customer', async () => {
    await entry('granted', '2026-05-01T10:00:00Z');
    await db.query(`DELETE FROM customers WHERE id = $1`, [customer]);

    const { rows } = await db.query(`SELECT 1 FROM customer_consent_now WHERE customer_id = $1`, [customer]);
    expect(rows).toHaveLength(0);
  });
});
