import { seedCustomerBook } from '../../src/customers/book/customer-book.writer';
import { generateCustomer } from '../../src/customers/book/customer-book.generator';
import { ownDatabase } from '../support/own-database';
import { DataSource } from 'typeorm';

describe('seedCustomerBook (integration)', () => {
  let db: DataSource;

  ownDatabase((opened) => {
    db = opened;
  });

  const counts = async () =>
    (
      await db.query(`SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM consent_events) AS consent,
                             (SELECT max(updated_at) FROM customers) AS "lastUpdate"`)
    )[0];

  it('loads a generated book, reports progress, and changes nothing when run again', async () => {
    const progress: number[] = [];
    const first = await seedCustomerBook(db, {
      customers: 25_000,
      seed: 9,
      today: '2025-03-14',
      onProgress: (done) => progress.push(done),
    });
    expect(first).toEqual({ inserted: 25_000, updated: 0 });
    expect(progress.at(-1)).toBe(25_000);
    const before = await counts();
    expect(before.customers).toBe(25_000);
    expect(before.consent).toBeGreaterThan(25_000);

    expect(await seedCustomerBook(db, { customers: 25_000, seed: 9, today: '2025-03-14' })).toEqual({ inserted: 0, updated: 0 });
    expect(await counts()).toEqual(before);
  });

  it('stores each customer as generated, with its consent in the ledger citing the seed', async () => {
    const expected = generateCustomer(9, 1234, '2025-03-14');
    const [stored] = await db.query(
      `SELECT phone, timezone, credit_limit::bigint AS "creditLimit", due_date::text AS "dueDate", tags, attributes,
              (SELECT jsonb_object_agg(channel, state) FROM consent_events e WHERE e.customer_id = c.id) AS consent,
              (SELECT DISTINCT evidence->>'seed' FROM consent_events e WHERE e.customer_id = c.id) AS seed
       FROM customers c WHERE external_ref = $1`,
      [expected.externalRef],
    );
    expect(stored).toEqual({
      phone: expected.phone,
      timezone: expected.timezone,
      creditLimit: String(expected.creditLimit),
      dueDate: expected.dueDate,
      tags: expected.tags,
      attributes: expected.attributes,
      consent: Object.keys(expected.consent).length ? expected.consent : null,
      seed: Object.keys(expected.consent).length ? '9' : null,
    });
  });

  it('gives a customer inserted without an id a time-ordered one (UUIDv7)', async () => {
    const [{ id }] = await db.query(
      `INSERT INTO customers (external_ref, full_name) VALUES ('UUID-V7', 'Wang Fang') RETURNING id`,
    );
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await db.query(`DELETE FROM customers WHERE id = $1`, [id]);
  });

  it('rewrites the same customers when the book moves to another day', async () => {
    const moved = await seedCustomerBook(db, { customers: 1_000, seed: 9, today: '2025-04-14' });
    expect(moved.inserted).toBe(0);
    expect(moved.updated).toBe(1_000);
  });
});
