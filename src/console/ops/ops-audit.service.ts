import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { AuditQueryDto } from '../../audit/dto/audit-query.dto';
import { ValidationFailedError } from '../../common/domain-error';
import { AuditLogForm, windowOf } from './ops-filters.form';
import { sql, sqlOne } from '../../database/sql';

/** The audit log as ops search it: by username, action and a time window in their zone. */
@Injectable()
export class OpsAuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async search(form: AuditLogForm) {
    const { from, to } = windowOf(form);
    const query = Object.assign(new AuditQueryDto(), {
      action: form.action,
      actorId: form.actor ? await this.userId(form.actor) : undefined,
      from: from?.toISOString(),
      to: to?.toISOString(),
      limit: form.limit,
      offset: form.offset,
    });
    const page = await this.audit.search(query);
    const ids = [...new Set(page.items.map((e) => e.actorId).filter((id): id is string => id !== null))];
    const names = new Map<string, string>(
      ids.length
        ? (
            await sql<{ id: string; username: string }>(this.db, `SELECT id, username FROM users WHERE id = ANY($1::uuid[])`, [
              ids,
            ])
          ).map((u) => [u.id, u.username])
        : [],
    );
    return { ...page, items: page.items.map((e) => ({ ...e, actor: e.actorId ? (names.get(e.actorId) ?? e.actorId) : null })) };
  }

  private async userId(username: string): Promise<string> {
    const user = await sqlOne<{ id: string }>(this.db, `SELECT id FROM users WHERE username = $1`, [username]);
    if (!user) throw new ValidationFailedError([{ field: 'actor', reason: 'no user has this username' }]);
    return user.id;
  }
}
