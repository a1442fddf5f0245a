import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, DataSource, FindOptionsWhere, LessThan, MoreThanOrEqual } from 'typeorm';
import { Page } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit-query.dto';

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
    await this.db.query(
      `INSERT INTO audit_events (actor_id, actor_role, action, target, status, correlation_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.actorId, entry.actorRole, entry.action, entry.target, entry.status, entry.correlationId],
    );
  }

  async search(query: AuditQueryDto): Promise<Page<AuditEvent>> {
    const where: FindOptionsWhere<AuditEvent> = {};
    if (query.actorId) where.actorId = query.actorId;
    if (query.action) where.action = query.action;
    if (query.code) where.code = query.code;
    if (query.from && query.to) where.at = Between(new Date(query.from), new Date(query.to));
    else if (query.from) where.at = MoreThanOrEqual(new Date(query.from));
    else if (query.to) where.at = LessThan(new Date(query.to));
    const [items, total] = await this.db
      .getRepository(AuditEvent)
      .findAndCount({ where, order: { at: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return { items, total, limit: query.limit, offset: query.offset };
  }
}
