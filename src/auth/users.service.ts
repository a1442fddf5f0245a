import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, QueryFailedError } from 'typeorm';
import { DomainError, NotFoundError } from '../common/domain-error';
import { Page, PageQuery } from '../common/pagination';
import { ApiKey } from './api-key.entity';
import { hashApiKey, keyPrefix, newApiKey } from './api-key.secret';
import { hashPassword } from './password.hasher';
import { CreateUserDto } from './dto/create-user.dto';
import { IssuedApiKeyDto } from './dto/create-api-key.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersRepository,
  ) {}

  async create({ password, ...input }: CreateUserDto): Promise<User> {
    const passwordHash = password === undefined ? null : await hashPassword(password);
    try {
      const { passwordHash: _hidden, ...user } = await this.db.getRepository(User).save({ ...input, passwordHash });
      return user as User;
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
        throw new DomainError('USERNAME_TAKEN', `username ${input.username} is taken`, HttpStatus.CONFLICT, [
          { field: 'username', reason: 'is taken' },
        ]);
      }
      throw error;
    }
  }

  async list(page: PageQuery): Promise<Page<User>> {
    const [items, total] = await this.db
      .getRepository(User)
      .findAndCount({ order: { createdAt: 'ASC' }, take: page.limit, skip: page.offset });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async get(id: string): Promise<User> {
    const user = await this.db.getRepository(User).findOneBy({ id });
    if (!user) throw new NotFoundError('user', id);
    return user;
  }

  /** A new password, or disabling, ends the user's console sessions. */
  async update(id: string, { password, ...changes }: UpdateUserDto): Promise<User> {
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    return this.db.transaction(async (manager) => {
      const users = manager.getRepository(User);
      const user = await users.findOneBy({ id });
      if (!user) throw new NotFoundError('user', id);
      await users.save(Object.assign(user, changes, passwordHash ? { passwordHash } : {}));
      if (passwordHash || changes.disabled) await this.users.endConsoleSessions(manager, id);
      const { passwordHash: _hidden, ...saved } = user;
      return saved as User;
    });
  }

  async issueKey(
    userId: string,
    label: string,
    key = newApiKey(),
    manager: EntityManager = this.db.manager,
  ): Promise<IssuedApiKeyDto> {
    const saved = await manager.getRepository(ApiKey).save({ userId, label, hash: hashApiKey(key), prefix: keyPrefix(key) });
    return { id: saved.id, key, prefix: saved.prefix };
  }

  async listKeys(userId: string): Promise<ApiKey[]> {
    await this.get(userId);
    return this.db.getRepository(ApiKey).find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  async revokeKey(userId: string, keyId: string): Promise<void> {
    const result = await this.db
      .getRepository(ApiKey)
      .update({ id: keyId, userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    if (!result.affected) throw new NotFoundError('api key', keyId);
  }

  /**
   * On an empty user table: one admin, with the configured key or a fresh one, which is returned
   * so the caller can show it once. Takes a lock so two instances starting together make one.
   */
  async bootstrapAdmin(configuredKey?: string): Promise<string | undefined> {
    return this.db.transaction(async (manager) => {
      await this.users.lockTable(manager);
      if ((await this.users.count(manager)) > 0) return undefined;
      const admin = await manager.getRepository(User).save({ username: 'admin', displayName: 'Administrator', role: 'admin' });
      return (await this.issueKey(admin.id, 'bootstrap', configuredKey, manager)).key;
    });
  }
}
