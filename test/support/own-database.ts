import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { createTestDatabase, TestDatabase } from './test-database';

/**
 * A database of the test file's own for all its tests: cloned and opened before them (`opened`
 * gets its data source, to keep and to prepare), closed and dropped after them.
 */
export function ownDatabase(opened: (db: DataSource) => void | Promise<void>): void {
  let database: TestDatabase | undefined;
  let db: DataSource | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(dataSourceOptions(database.url)).initialize();
    await opened(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });
}
