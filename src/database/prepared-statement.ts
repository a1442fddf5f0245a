import { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * A statement on a hot path, prepared once per connection (a named statement in node-postgres)
 * and run on node-postgres directly. PostgreSQL spends more planning a statement of a few CTEs
 * than running it (0.35 ms against 0.28 ms for the inbound SMS reply): planned once, it costs a
 * quarter of the CPU. The name must be unique in the application and the text fixed.
 */
export class PreparedStatement<Row extends QueryResultRow> {
  constructor(
    readonly name: string,
    readonly text: string,
  ) {}

  /** On the connection of `on`'s transaction, or on the pool under the data source. */
  async run(on: DataSource | EntityManager, values: unknown[]): Promise<Row[]> {
    const runner = on instanceof EntityManager ? on.queryRunner : undefined;
    const client: Pool | PoolClient = runner
      ? ((await runner.connect()) as PoolClient)
      : ((on instanceof DataSource ? on : on.connection).driver as PostgresDriver).master;
    return (await client.query<Row>({ name: this.name, text: this.text, values })).rows;
  }
}
