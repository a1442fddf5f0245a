import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer 360's search box finds a customer by their card's last four digits, and the page
 * lists a customer's open agent tasks and work orders. Without these, each is a scan of the book
 * (hundreds of thousands of rows) or of every task ever made.
 */
export class CustomerSearchIndexes1764920000000 implements MigrationInterface {
  name = 'CustomerSearchIndexes1764920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX customers_card_last4_idx ON customers (card_last4) WHERE card_last4 IS NOT NULL`);
    await q.query(`CREATE INDEX agent_tasks_customer_open_idx ON agent_tasks (customer_id) WHERE status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX agent_tasks_customer_open_idx`);
    await q.query(`DROP INDEX customers_card_last4_idx`);
  }
}
