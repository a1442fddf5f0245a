import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Between, DataSource, FindOptionsWhere, LessThan, MoreThanOrEqual } from 'typeorm';
import { Page } from '../common/pagination';
import { AuditEvent } from './audit-event.entity';
import { AuditQueryDto } from './dto/audit-query.dto';

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
