import { DataSource } from 'typeorm';

export interface HeldTaskShape {
  customerId: string;
  /** The agent who took it; null: nobody yet. */
  takenBy: string | null;
  kind?: string;
  subjectRef?: string;
  status?: 'open' | 'done' | 'cancelled';
  priority?: number;
}

let serial = 0;

/**
 * An agent task in the database (taken by `takenBy`, open unless said), as the flows and the queue
 * leave one: a work order on the agent desk's queue (src/work-orders owns them).
 */
export async function agentTask(db: DataSource, shape: HeldTaskShape): Promise<string> {
  const at = new Date('2026-01-01T00:00:00Z');
  const status = shape.status ?? 'open';
  const [{ id }] = await db.query(
    `INSERT INTO work_orders (customer_id, kind, priority, subject_ref, status, opened_at, updated_at, due_by, assignee_id,
                              first_action_at, closed_at, outcome, summary, severity, queue)
     VALUES ($1, $2, $3, $4,
             CASE $5 WHEN 'done' THEN 'resolved' WHEN 'cancelled' THEN 'cancelled'
                     ELSE CASE WHEN $7::uuid IS NULL THEN 'open' ELSE 'in_progress' END END,
             $6, $6, $6::timestamptz + interval '1 day', $7, CASE WHEN $7::uuid IS NULL THEN NULL ELSE $6::timestamptz END,
             CASE WHEN $5 IN ('done', 'cancelled') THEN $6::timestamptz END, CASE WHEN $5 = 'done' THEN 'right_party_contact' END,
             'Test call', 'medium', 'agent-desk')
     RETURNING id`,
    [
      shape.customerId,
      shape.kind ?? 'collections-dpd-31',
      shape.priority ?? 200,
      shape.subjectRef ?? `test:${++serial}:${Date.now()}`,
      status,
      at,
      shape.takenBy,
    ],
  );
  return id;
}

/** Every identity step ticked on the agent desk: the call scripts in scripts-templates/ each have four. */
export const ALL_IDENTITY_STEPS = ['0', '1', '2', '3'];
