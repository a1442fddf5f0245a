import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Page, PageQuery } from '../common/pagination';
import { Sql, sql, sqlOne } from '../database/sql';
import { Severity } from './alert-rule.rules';

export interface AlertRuleView {
  id: string;
  name: string;
  description: string | null;
  rule: Record<string, unknown>;
  /** Profile properties the rule reads (derived from `rule`). */
  reads: string[];
  scheduled: boolean;
  severity: Severity;
  queue: string;
  slaMinutes: number;
  closeOnExit: boolean;
  enabled: boolean;
  ownerId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type AlertRuleFields = Omit<AlertRuleView, 'id' | 'ownerId' | 'createdAt' | 'updatedAt'>;

const COLUMNS = `id, name, description, rule, reads, scheduled, severity, queue, sla_minutes AS "slaMinutes",
  close_on_exit AS "closeOnExit", enabled, owner_id AS "ownerId", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Alert rules as the risk manager saved them. */
@Injectable()
export class AlertRulesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(rule: AlertRuleFields, ownerId: string | null, now: Date): Promise<AlertRuleView> {
    const row = await sqlOne<AlertRuleView>(
      this.db,
      `INSERT INTO alert_rules (name, description, rule, reads, scheduled, severity, queue, sla_minutes, close_on_exit, enabled,
                                owner_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING ${COLUMNS}`,
      [...fieldValues(rule), ownerId, now],
    );
    return row!;
  }

  async update(id: string, rule: AlertRuleFields, now: Date): Promise<AlertRuleView | undefined> {
    return sqlOne<AlertRuleView>(
      this.db,
      `UPDATE alert_rules SET name = $2, description = $3, rule = $4, reads = $5, scheduled = $6, severity = $7, queue = $8,
              sla_minutes = $9, close_on_exit = $10, enabled = $11, updated_at = $12
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...fieldValues(rule), now],
    );
  }

  async get(id: string): Promise<AlertRuleView | undefined> {
    return sqlOne<AlertRuleView>(this.db, `SELECT ${COLUMNS} FROM alert_rules WHERE id = $1`, [id]);
  }

  async list(page: PageQuery): Promise<Page<AlertRuleView>> {
    const [items, [{ total }]] = await Promise.all([
      sql<AlertRuleView>(this.db, `SELECT ${COLUMNS} FROM alert_rules ORDER BY name LIMIT $1 OFFSET $2`, [
        page.limit,
        page.offset,
      ]),
      sql<{ total: number }>(this.db, `SELECT count(*)::int AS total FROM alert_rules`),
    ]);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /**
   * The enabled rules (evaluation picks among them by what changed, or by `scheduled`), on the
   * caller's connection when it holds one (`on`, an evaluation's transaction): a statement
   * that waited for a second connection while holding the first would, with as many evaluations at
   * once as the pool has connections, wait for ever.
   */
  async enabled(on?: Sql): Promise<AlertRuleView[]> {
    const text = `SELECT ${COLUMNS} FROM alert_rules WHERE enabled ORDER BY created_at, id`;
    return on ? on<AlertRuleView>(text) : sql<AlertRuleView>(this.db, text);
  }

  /** How many customers a condition over `customers c` selects now. */
  async count(where: string, params: unknown[]): Promise<number> {
    const [{ count }] = await sql<{ count: number }>(
      this.db,
      `SELECT count(*)::int AS count FROM customers c WHERE ${where}`,
      params,
    );
    return count;
  }
}

/** A rule's fields in the column order both `insert` and `update` write them. */
function fieldValues(rule: AlertRuleFields): unknown[] {
  return [
    rule.name,
    rule.description,
    JSON.stringify(rule.rule),
    rule.reads,
    rule.scheduled,
    rule.severity,
    rule.queue,
    rule.slaMinutes,
    rule.closeOnExit,
    rule.enabled,
  ];
}
