import { DataSource } from 'typeorm';

/** A node of EXPLAIN (FORMAT JSON)'s plan; its children under `Plans`. */
export type PlanNode = Record<string, unknown>;

/**
 * A stand-in for a service's DataSource: every statement runs on `db`, except those that read
 * `table`, which are only explained (ANALYZE when asked: the plan of what really ran) and hand
 * their plan to `onPlan`, returning no rows. It answers as the query runner `sql()` calls does.
 */
export function explainingReadsOf(
  db: DataSource,
  table: string,
  onPlan: (plan: PlanNode) => void,
  { analyze = false } = {},
): DataSource {
  return {
    query: async (text: string, params: unknown[]) => {
      if (!text.includes(`FROM ${table}`)) return { records: await db.query(text, params) };
      const [{ 'QUERY PLAN': plan }]: { 'QUERY PLAN': { Plan: PlanNode }[] }[] = await db.query(
        `EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${text}`,
        params,
      );
      onPlan(plan[0].Plan);
      return { records: [] };
    },
  } as unknown as DataSource;
}
