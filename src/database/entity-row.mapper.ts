import { DataSource, ObjectLiteral } from 'typeorm';

/**
 * A row read by hand-written SQL (`SELECT c.* …`, `RETURNING *`), as the entity TypeORM would
 * have loaded: property names, dates, money through the column transformers. For hot paths that
 * fold a read into a larger statement instead of a query of its own.
 */
export function hydrateEntity<T extends ObjectLiteral>(db: DataSource, entity: new () => T, row: Record<string, unknown>): T {
  const hydrated = new entity();
  for (const column of db.getMetadata(entity).columns) {
    (hydrated as Record<string, unknown>)[column.propertyName] = db.driver.prepareHydratedValue(row[column.databaseName], column);
  }
  return hydrated;
}
