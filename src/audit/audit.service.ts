import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CursorPage, decodeCursor, encodeCursor, PG_INSTANT } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AuditEntry, AuditEventsRepository } from './audit-events.repository';

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: AuditEventsRepository,
  ) {}

  /** Writes what the audit middleware writes for a request. */
  async record(entry: AuditEntry): Promise<void> {
    await this.events.insert(entry);
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

  /** A row's cursor, with the instant to the microsecond. */
  private async cursorAt(id: string): Promise<string> {
    return encodeCursor([await this.events.instantText(id), id]);
  }
}
