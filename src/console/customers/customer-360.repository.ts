import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from '../../database/sql';
import { ANSWERABLE } from '../../flows/fraud/fraud-case.model';

export interface OpenFraudCase {
  id: string;
  reference: string;
  status: string;
  openedAt: Date;
  merchant: string;
  amount: number;
  currency: string;
}

export interface OpenAgentTask {
  id: string;
  kind: string;
  dueAt: Date | null;
  takenBy: string | null;
}

export interface OpenWorkOrder {
  id: string;
  kind: string;
  summary: string;
  severity: string;
  status: string;
  dueBy: Date;
}

/** What is open for a customer, as the customer 360 lists it. */
@Injectable()
export class Customer360Repository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  fraudCases(customerId: string): Promise<OpenFraudCase[]> {
    return sql<OpenFraudCase>(
      this.db,
      `SELECT f.id, f.reference, f.status, f.opened_at AS "openedAt", t.merchant, t.amount::float8 AS amount, t.currency
         FROM fraud_cases f JOIN card_transactions t ON t.id = f.transaction_id
        WHERE f.customer_id = $1 AND f.status = ANY ($2::text[])
        ORDER BY f.opened_at DESC`,
      [customerId, ANSWERABLE],
    );
  }

  /** The desk's calls for this customer: work orders on the agent-desk queue. */
  tasks(customerId: string): Promise<OpenAgentTask[]> {
    return sql<OpenAgentTask>(
      this.db,
      `SELECT w.id, w.kind, w.not_before AS "dueAt", u.username AS "takenBy"
         FROM work_orders w LEFT JOIN users u ON u.id = w.assignee_id
        WHERE w.customer_id = $1 AND w.queue = 'agent-desk' AND w.closed_at IS NULL
        ORDER BY w.priority DESC, w.not_before NULLS FIRST`,
      [customerId],
    );
  }

  workOrders(customerId: string): Promise<OpenWorkOrder[]> {
    return sql<OpenWorkOrder>(
      this.db,
      `SELECT id, kind, summary, severity, status, due_by AS "dueBy"
         FROM work_orders WHERE customer_id = $1 AND queue <> 'agent-desk' AND closed_at IS NULL
        ORDER BY due_by`,
      [customerId],
    );
  }
}
