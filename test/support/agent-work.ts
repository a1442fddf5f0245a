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

/** An agent task in the database (taken by `takenBy`, open unless said), as the flows and the queue leave one. */
export async function agentTask(db: DataSource, shape: HeldTaskShape): Promise<string> {
  const at = new Date('2026-01-01T00:00:00Z');
  const status = shape.status ?? 'open';
  const [{ id }] = await db.query(
    `INSERT INTO agent_tasks (customer_id, kind, priority, subject_ref, status, created_at, updated_at, taken_by, taken_at, done_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, CASE WHEN $7::uuid IS NULL THEN NULL ELSE $6::timestamptz END,
             CASE WHEN $5 = 'done' THEN $6::timestamptz END)
     RETURNING id`,
    [
      shape.customerId,
      shape.kind ?? 'collections_call',
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
