import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ListScope } from '../../auth/agent-access.service';
import { HELD_CASE_SQL } from '../../auth/agent-access.repository';
import { NotFoundError } from '../../common/domain-error';
import { Page } from '../../common/pagination';
import { FraudCaseQuery, FraudStatsQuery } from './dto/fraud-case-query.dto';
import { FraudCaseView } from './fraud-case.model';
import { sql, sqlOne } from '../../database/sql';

const CASE_COLUMNS = `f.id, f.customer_id AS "customerId", f.transaction_id AS "transactionId", f.reference, f.status, f.reasons,
  f.timeline, f.opened_at AS "openedAt", f.escalated_at AS "escalatedAt", f.answered_at AS "answeredAt",
  jsonb_build_object('reference', t.reference, 'amount', t.amount, 'currency', t.currency, 'merchant', t.merchant,
                     'country', t.country, 'city', t.city, 'cardNotPresent', t.card_not_present, 'at', t.occurred_at) AS transaction`;

export interface FraudStats {
  opened: number;
  answered: number;
  byStatus: Record<string, number>;
  /** Seconds from the case opening to the customer's answer, over answered cases; null without any. */
  timeToAnswerP50Seconds: number | null;
  timeToAnswerP90Seconds: number | null;
}

/** What ops read about fraud cases. */
@Injectable()
export class FraudCasesQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** In a list scope, only the cases a task the agent holds covers. */
  async list(query: FraudCaseQuery, scope?: ListScope): Promise<Page<FraudCaseView>> {
    const where = `($1::text IS NULL OR f.status = $1) AND ($2::uuid IS NULL OR ${HELD_CASE_SQL('f', '$2')})`;
    const filters = [query.status ?? null, scope?.heldBy ?? null];
    const [items, counted] = await Promise.all([
      sql<FraudCaseView>(
        this.db,
        `SELECT ${CASE_COLUMNS} FROM fraud_cases f JOIN card_transactions t ON t.id = f.transaction_id
          WHERE ${where} ORDER BY f.opened_at DESC, f.id LIMIT $3 OFFSET $4`,
        [...filters, query.limit, query.offset],
      ),
      sqlOne<{ total: number }>(this.db, `SELECT count(*)::int AS total FROM fraud_cases f WHERE ${where}`, filters),
    ]);
    return { items, total: counted!.total, limit: query.limit, offset: query.offset };
  }

  async get(id: string): Promise<FraudCaseView> {
    const found = await sqlOne<FraudCaseView>(
      this.db,
      `SELECT ${CASE_COLUMNS} FROM fraud_cases f JOIN card_transactions t ON t.id = f.transaction_id WHERE f.id = $1`,
      [id],
    );
    if (!found) throw new NotFoundError('fraud case', id);
    return found;
  }

  async stats(query: FraudStatsQuery): Promise<FraudStats> {
    const row = (await sqlOne<{
      opened: number;
      answered: number;
      byStatus: Record<string, number>;
      p50: number | null;
      p90: number | null;
    }>(
      this.db,
      `WITH scope AS (
         SELECT status, extract(epoch FROM answered_at - opened_at) AS seconds FROM fraud_cases
          WHERE ($1::timestamptz IS NULL OR opened_at >= $1) AND ($2::timestamptz IS NULL OR opened_at < $2))
       SELECT count(*)::int AS opened,
              count(seconds)::int AS answered,
              coalesce((SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM scope GROUP BY status) s), '{}') AS "byStatus",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90
         FROM scope`,
      [query.from ?? null, query.to ?? null],
    ))!;
    return {
      opened: row.opened,
      answered: row.answered,
      byStatus: row.byStatus,
      timeToAnswerP50Seconds: row.p50 === null ? null : Number(row.p50),
      timeToAnswerP90Seconds: row.p90 === null ? null : Number(row.p90),
    };
  }
}
