import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger's link to its customer, checked once per statement instead of once per
 * entry. A foreign key runs a lookup and locks the customer's row for every ledger entry: two
 * per imported customer, about a quarter of the database's work in a bulk import. The same
 * rules hold, set-based: an INSERT naming a customer that does not exist fails (with the
 * foreign-key error code), and deleting a customer still deletes its ledger (RULEBOOK: evidence
 * is kept for the life of the profile). What is given up is the row lock that stopped a
 * customer being deleted while an entry for them was being written; Herald never deletes
 * customers, and its own writers either lock the customer first (ConsentService) or write the
 * entries of customers they created in the same transaction (the import).
 */
export class ConsentLedgerCustomerCheck1763701010000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consent_events DROP CONSTRAINT consent_events_customer_id_fkey`);
    // One primary-key probe per new entry (the LATERAL … LIMIT keeps it a nested loop): written
    // as an anti-join, the planner merges against the whole primary key, every customer each time.
    await q.query(`
      CREATE FUNCTION consent_events_customer_exists() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (
          SELECT 1 FROM added a
          LEFT JOIN LATERAL (SELECT c.id FROM customers c WHERE c.id = a.customer_id LIMIT 1) c ON true
          WHERE c.id IS NULL
        ) THEN
          RAISE EXCEPTION 'consent_events: the customer does not exist' USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_events_customer_check AFTER INSERT ON consent_events REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION consent_events_customer_exists()`);
    // Runs as a trigger, so consent_events_append_only lets its deletes through (trigger depth > 1).
    await q.query(`
      CREATE FUNCTION customers_delete_consent_events() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM consent_events e USING gone g WHERE e.customer_id = g.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER customers_consent_events_cascade AFTER DELETE ON customers REFERENCING OLD TABLE AS gone
      FOR EACH STATEMENT EXECUTE FUNCTION customers_delete_consent_events()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER customers_consent_events_cascade ON customers`);
    await q.query(`DROP FUNCTION customers_delete_consent_events()`);
    await q.query(`DROP TRIGGER consent_events_customer_check ON consent_events`);
    await q.query(`DROP FUNCTION consent_events_customer_exists()`);
    await q.query(`
      ALTER TABLE consent_events ADD CONSTRAINT consent_events_customer_id_fkey
        FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE`);
  }
}
