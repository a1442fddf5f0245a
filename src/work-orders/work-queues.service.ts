import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationFailedError } from '../common/domain-error';
import { PutNotificationSettingDto, PutWorkQueueDto } from './dto/put-work-queue.dto';
import { StaffNotificationsRepository } from './staff-notifications.repository';
import { WorkQueuesRepository } from './work-queues.repository';

const QUEUE = /^[a-z0-9_-]{1,40}$/;

/** Who works a queue, who supervises it, and how each is told. */
@Injectable()
export class WorkQueuesService {
  constructor(
    private readonly queues: WorkQueuesRepository,
    private readonly notifications: StaffNotificationsRepository,
  ) {}

  list() {
    return this.queues.list();
  }

  async put(name: string, input: PutWorkQueueDto) {
    if (!QUEUE.test(name)) throw new ValidationFailedError([{ field: 'name', reason: 'must be 1-40 of a-z, 0-9, _ and -' }]);
    const memberIds = [...new Set(input.memberIds.map((id) => id.toLowerCase()))];
    const supervisorId = input.supervisorId?.toLowerCase() ?? null;
    const known = await this.queues.existingUsers(supervisorId ? [...memberIds, supervisorId] : memberIds);
    const problems = memberIds
      .map((id, i) => ({ id, field: `memberIds.${i}` }))
      .concat(supervisorId ? [{ id: supervisorId, field: 'supervisorId' }] : [])
      .filter(({ id }) => !known.has(id))
      .map(({ field }) => ({ field, reason: 'is not a user' }));
    if (problems.length) throw new ValidationFailedError(problems);
    return this.queues.put({ name, supervisorId, memberIds });
  }

  async putSetting(userId: string, input: PutNotificationSettingDto) {
    if (!(await this.queues.existingUsers([userId])).has(userId)) throw new NotFoundError('user', userId);
    return this.queues.putSetting({ userId, channel: input.channel, email: input.email ?? null, phone: input.phone ?? null });
  }

  notificationsOf(userId: string, limit: number) {
    return this.notifications.forUser(userId, limit);
  }
}
