import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer 360's search box finds a customer by their card's last four digits: without it,
 * a scan of the book. (Its open work, desk calls included, is found by work_orders_customer_idx.)
 */
export class CustomerSearchIndexes1764920000000 implements MigrationInterface {
  name = 'CustomerSearchIndexes1764920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX customers_card_last4_idx ON customers (card_last4) WHERE card_last4 IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX customers_card_last4_idx`);
  }
}
