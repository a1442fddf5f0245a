import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CursorPage, decodeCursor, encodeCursor, PG_INSTANT } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit-query.dto';
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

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Writes what the audit middleware writes for a request. */
  async record(entry: AuditEntry): Promise<void> {
    await sql(
      this.db,
      `INSERT INTO audit_events (actor_id, actor_role, action, target, status, correlation_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.actorId, entry.actorRole, entry.action, entry.target, entry.status, entry.correlationId],
    );
  }

  /**
   * Newest first, by (at, id). Pages by cursor (`after`): the log only grows, and an offset deep
   * into it would read and throw away every row before the page.
   */
  async search(query: AuditQueryDto): Promise<CursorPage<AuditEvent>> {
    const q = this.db.getRepository(AuditEvent).createQueryBuilder('e');
    if (query.actorId) q.andWhere('e.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) q.andWhere('e.action = :action', { action: query.action });
    if (query.code) q.andWhere('e.code = :code', { code: query.code });
    if (query.from) q.andWhere('e.at >= :from', { from: new Date(query.from) });
    if (query.to) q.andWhere('e.at < :to', { to: new Date(query.to) });
    const total = await q.getCount();
    const after = decodeCursor(query, [PG_INSTANT, /^\d{1,19}$/]);
    if (after) {
      // The first conjunct lets the index on `at` range-scan; the second breaks ties of one instant.
      q.andWhere('e.at <= CAST(:at AS timestamptz) AND (e.at < CAST(:at AS timestamptz) OR e.id < CAST(:id AS bigint))', {
        at: after[0],
        id: after[1],
      });
    }
    const rows = await q
      .orderBy('e.at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .take(query.limit + 1)
      .skip(after ? 0 : query.offset)
      .getMany();
    const items = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? await this.cursorAt(items[items.length - 1].id) : undefined;
    return { items, total, limit: query.limit, offset: query.offset, ...(next ? { next } : {}) };
  }

  /** A row's cursor with the instant as PostgreSQL keeps it: a JavaScript Date would drop the microseconds. */
  private async cursorAt(id: string): Promise<string> {
    const { at } = (await sqlOne<{ at: string }>(this.db, `SELECT at::text AS at FROM audit_events WHERE id = $1`, [id]))!;
    return encodeCursor([at, id]);
  }
}
