import { PoolClient } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Where a statement runs: the pool, a transaction's manager, or a query runner. */
export type SqlRunner = DataSource | EntityManager | QueryRunner;

/**
 * TypeORM's `.query()` returns `any`, and for UPDATE and DELETE a `[rows, count]` pair instead of
 * the rows. These run one statement and return what PostgreSQL returned, typed by the caller's row
 * interface (one per query, beside it in the repository), whatever the statement's command.
 */
async function run(on: SqlRunner, text: string, params: readonly unknown[]): Promise<{ rows: unknown[]; affected: number }> {
  const ownRunner =
    on instanceof DataSource
      ? on.createQueryRunner()
      : on instanceof EntityManager && !on.queryRunner
        ? on.connection.createQueryRunner()
        : undefined;
  const runner = ownRunner ?? (on instanceof EntityManager ? on.queryRunner! : (on as QueryRunner));
  try {
    const result = await runner.query(text, params as unknown[], true);
    return { rows: result.records ?? [], affected: result.affected ?? 0 };
  } finally {
    if (ownRunner) await ownRunner.release();
  }
}

/** Every row the statement returned. */
export async function sql<Row extends object>(on: SqlRunner, text: string, params: readonly unknown[] = []): Promise<Row[]> {
  return (await run(on, text, params)).rows as Row[];
}

/** The statement's first row, or undefined when it returned none. */
export async function sqlOne<Row extends object>(
  on: SqlRunner,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row | undefined> {
  return (await run(on, text, params)).rows[0] as Row | undefined;
}

/** How many rows the statement wrote (INSERT, UPDATE, DELETE), for statements read for that alone. */
export async function sqlCount(on: SqlRunner, text: string, params: readonly unknown[] = []): Promise<number> {
  return (await run(on, text, params)).affected;
}

/**
 * One statement on a connection the caller holds, typed like `sql`: a transaction's manager
 * (`sqlOf`), or an import batch's pg client (`sqlOfClient`). Lets a statement join whichever
 * transaction its caller is in.
 */
export type Sql = <Row extends object>(text: string, params?: unknown[]) => Promise<Row[]>;

export const sqlOf =
  (manager: EntityManager): Sql =>
  (text, params) =>
    sql(manager, text, params);

export const sqlOfClient =
  (client: PoolClient): Sql =>
  async (text, params) =>
    (await client.query(text, params)).rows;
