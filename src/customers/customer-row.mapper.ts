import { DataSource } from 'typeorm';
import { Customer } from './customer.entity';

/**
 * A `customers` row read by hand-written SQL (`SELECT c.* …`), as the entity TypeORM would have
 * loaded: property names, dates, money through the column transformers. For hot paths that fold
 * the customer lookup into a larger statement instead of a query of its own.
 */
export function hydrateCustomer(db: DataSource, row: Record<string, unknown>): Customer {
  const customer = new Customer();
  for (const column of db.getMetadata(Customer).columns) {
    (customer as unknown as Record<string, unknown>)[column.propertyName] = db.driver.prepareHydratedValue(
      row[column.databaseName],
      column,
    );
  }
  return customer;
}
