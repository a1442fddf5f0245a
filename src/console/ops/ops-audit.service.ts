import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { AuditQueryDto } from '../../audit/dto/audit-query.dto';
import { ValidationFailedError } from '../../common/domain-error';
import { AuditLogForm, windowOf } from './ops-filters.form';
import { OpsAuditRepository } from './ops-audit.repository';

/** The audit log as ops search it: by username, action and a time window in their zone. */
@Injectable()
export class OpsAuditService {
  constructor(
    private readonly users: OpsAuditRepository,
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
    const names = new Map<string, string>(ids.length ? (await this.users.usernames(ids)).map((u) => [u.id, u.username]) : []);
    return { ...page, items: page.items.map((e) => ({ ...e, actor: e.actorId ? (names.get(e.actorId) ?? e.actorId) : null })) };
  }

  private async userId(username: string): Promise<string> {
    const id = await this.users.userIdOf(username);
    if (!id) throw new ValidationFailedError([{ field: 'actor', reason: 'no user has this username' }]);
    return id;
  }
}
