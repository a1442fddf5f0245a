import { Injectable } from '@nestjs/common';
import { compileSegmentRule } from '../segments/segment-rule.compiler';
import { Sql } from '../database/sql';
import { alertOrdersSql } from '../work-orders/work-orders.repository';
import { AlertRuleView } from './alert-rules.repository';

/** Which customers an evaluation looks at: these ids (a change), or the whole book (the schedule). */
export type EvaluationScope = { customerIds: readonly string[] } | 'book';

export interface EvaluationResult {
  /** Customers who entered the rule: an episode opened, an alert fired, a work order opened. */
  fired: number;
  /** Customers who left it: their episode closed (and the order resolved, if the rule closes on exit). */
  closed: number;
}

/** $1…$7 are the rule's own; customer ids (a change's scope) $8; the compiled condition after them. */
const PARAMS = {
  rule: '$1::uuid',
  now: '$2::timestamptz',
  severity: '$3::text',
  queue: '$4::text',
  slaMinutes: '$5::int',
  closeOnExit: '$6::boolean',
  summary: '$7::text',
};

/**
 * One statement per rule and scope: the customers in scope who meet the rule now (`matching`)
 * open an episode unless one is open (the partial unique key makes "once per episode" hold
 * under any concurrency); open episodes of customers in scope who no longer meet it close; the
 * alert's work orders open and clear in the same statement (work orders' own SQL).
 */
export function evaluationSql(
  rule: Pick<AlertRuleView, 'rule'>,
  scope: EvaluationScope,
  now: Date,
): { text: string; params: unknown[] } {
  const byIds = scope !== 'book';
  const firstParam = byIds ? 9 : 8;
  const { where, params } = compileSegmentRule(rule.rule, { now, firstParam });
  const matching = byIds
    ? `SELECT c.id FROM customers c WHERE c.id = ANY($8::uuid[]) AND ${where}`
    : `SELECT c.id FROM customers c WHERE ${where}`;
  const leaving = byIds
    ? `e.customer_id = ANY($8::uuid[]) AND e.customer_id NOT IN (SELECT id FROM matching)`
    : `NOT EXISTS (SELECT 1 FROM matching m WHERE m.id = e.customer_id)`;
  const text = `
    WITH matching AS (${matching}),
    opened AS (
      INSERT INTO alert_episodes (rule_id, customer_id, opened_at)
      SELECT ${PARAMS.rule}, m.id, ${PARAMS.now} FROM matching m
      ON CONFLICT (rule_id, customer_id) WHERE closed_at IS NULL DO NOTHING
      RETURNING id, customer_id
    ),
    closed AS (
      UPDATE alert_episodes e SET closed_at = ${PARAMS.now}
       WHERE e.rule_id = ${PARAMS.rule} AND e.closed_at IS NULL AND ${leaving}
      RETURNING e.id
    ),
    ${alertOrdersSql('opened', 'closed', PARAMS)}
    SELECT (SELECT count(*) FROM opened)::int AS fired, (SELECT count(*) FROM closed)::int AS closed`;
  return { text, params };
}

/** Alert episodes: opened when a customer enters a rule, closed when they leave it. */
@Injectable()
export class AlertEpisodesRepository {
  /** Evaluates one rule over the scope in one statement, on the caller's connection (an import's batch transaction, say). */
  async evaluate(sql: Sql, rule: AlertRuleView, scope: EvaluationScope, now: Date): Promise<EvaluationResult> {
    if (scope !== 'book' && scope.customerIds.length === 0) return { fired: 0, closed: 0 };
    const { text, params } = evaluationSql(rule, scope, now);
    const own = [rule.id, now, rule.severity, rule.queue, rule.slaMinutes, rule.closeOnExit, rule.name];
    const [row] = await sql<EvaluationResult>(
      text,
      scope === 'book' ? [...own, ...params] : [...own, scope.customerIds, ...params],
    );
    return row;
  }
}
