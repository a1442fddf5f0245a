import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql, sqlOne } from '../database/sql';

/** An audited action that came by no HTTP request: a command-line run, say. */
export interface AuditEntry {
  actorId: string | null;
  /** A role, or what acted without one (`cli`). */
  actorRole: string;
  /** Named as requests are, `controller.handler`, so both ways of doing a thing read alike. */
  action: string;
  target: string | null;
  /** As HTTP would have said it: 200 done, 409 refused for a conflict, 500 failed. */
  status: number;
  correlationId: string;
}

/** The audit_events statements the audit service runs outside TypeORM's query builder. */
@Injectable()
export class AuditEventsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(event: AuditEntry): Promise<void> {
    await sql(
      this.db,
      `INSERT INTO audit_events (actor_id, actor_role, action, target, status, correlation_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.actorId, event.actorRole, event.action, event.target, event.status, event.correlationId],
    );
  }

  /** The event's instant as PostgreSQL keeps it: a JavaScript Date would drop the microseconds. */
  async instantText(id: string): Promise<string> {
    return (await sqlOne<{ at: string }>(this.db, `SELECT at::text AS at FROM audit_events WHERE id = $1`, [id]))!.at;
  }
}
