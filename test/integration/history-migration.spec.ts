import { DataSource } from 'typeorm';
import { insertCustomer } from '../support/policy.builders';
import { undoMigrationsFrom } from '../support/test-database';
import { ownDatabase } from '../support/own-database';

/**
 * Migration 1764930000000 on a database that already has history: undone (back to plain tables,
 * with the old keys), given rows from several months — a reply pointing at its attempt, audit rows
 * with their identity — and applied again: every row lands in its month, the keys and the
 * de-duplication references come with them, and the identity goes on after the last id.
 */
describe('the partitioned history migration moves existing rows', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  it('undoes to plain tables, and moves their rows into months when applied again', async () => {
    // Back to just before it (later migrations undone first).
    await undoMigrationsFrom(db, 1764930000000);
    const [{ kind }] = await db.query(`SELECT relkind AS kind FROM pg_class WHERE relname = 'contact_attempts'`);
    expect(kind).toBe('r');

    const customer = await insertCustomer(db);
    const [{ id: attempt }] = await db.query(
      `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, provider_ref, status, attempted_at)
       VALUES ($1, 'fraud', 'sms', 'twilio', 'SM-old', 'delivered', '2024-02-10T08:00:00Z') RETURNING id`,
      [customer],
    );
    await db.query(
      `INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, body, intent, attempt_id, received_at)
       VALUES ($1, 'sms', 'twilio', 'SM-reply', '+8613800000000', 'Y 1234', 'fraud_yes', $2, '2024-02-10T08:05:00Z')`,
      [customer, attempt],
    );
    await db.query(
      `INSERT INTO audit_events (action, status, correlation_id, at) VALUES ('a', 200, 'c1', '2024-03-01T00:00:00Z'), ('b', 200, 'c2', '2025-07-15T00:00:00Z')`,
    );
    await db.query(
      `INSERT INTO sandbox_messages (id, channel, direction, provider_ref, attempt_id, to_address, from_address, body, status, created_at, updated_at)
       VALUES (gen_random_uuid(), 'sms', 'outbound', 'SBX-1', $1, '+8613800000000', '+10000000000', 'hello', 'delivered', '2024-02-10T08:00:00Z', '2024-02-10T08:00:00Z')`,
      [attempt],
    );
    const [{ max }] = await db.query(`SELECT max(id)::int AS max FROM audit_events`);

    await db.runMigrations({ transaction: 'each' });

    const placed: { table: string; partition: string }[] = await db.query(
      `SELECT 'contact_attempts' AS table, tableoid::regclass::text AS partition FROM contact_attempts WHERE id = $1
       UNION ALL SELECT 'inbound_messages', tableoid::regclass::text FROM inbound_messages WHERE provider_ref = 'SM-reply'
       UNION ALL SELECT 'sandbox_messages', tableoid::regclass::text FROM sandbox_messages WHERE provider_ref = 'SBX-1'
       UNION ALL SELECT 'audit_events', tableoid::regclass::text FROM audit_events WHERE correlation_id IN ('c1', 'c2')`,
      [attempt],
    );
    expect(placed).toEqual(
      expect.arrayContaining([
        { table: 'contact_attempts', partition: 'contact_attempts_p202402' },
        { table: 'inbound_messages', partition: 'inbound_messages_p202402' },
        { table: 'sandbox_messages', partition: 'sandbox_messages_p202402' },
        { table: 'audit_events', partition: 'audit_events_p202403' },
        { table: 'audit_events', partition: 'audit_events_p202507' },
      ]),
    );
    expect(placed).toHaveLength(5);
    // Every month from the oldest row's on exists: a write dated in between has its month.
    const months: { partition: string }[] = await db.query(`SELECT partition FROM history_months('contact_attempts')`);
    expect(months.map((m) => m.partition)).toEqual(
      expect.arrayContaining(['contact_attempts_p202402', 'contact_attempts_p202501']),
    );
    // The reply keeps its attempt; its MessageSid is claimed, so a retry is not stored again.
    const [{ attemptId }] = await db.query(
      `SELECT attempt_id AS "attemptId" FROM inbound_messages WHERE provider_ref = 'SM-reply'`,
    );
    expect(attemptId).toBe(attempt);
    const claims = await db.query(
      `INSERT INTO inbound_message_refs (provider, provider_ref, received_at) VALUES ('twilio', 'SM-reply', now())
       ON CONFLICT DO NOTHING RETURNING provider_ref`,
    );
    expect(claims).toEqual([]);
    // The audit log's identity goes on after the moved rows.
    const [{ id }] = await db.query(
      `INSERT INTO audit_events (action, status, correlation_id) VALUES ('c', 200, 'c3') RETURNING id`,
    );
    expect(Number(id)).toBeGreaterThan(max);
  });
});
