import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Raw } from 'typeorm';
import { Clock } from '../../common/clock';
import { NotFoundError } from '../../common/domain-error';
import { Page } from '../../common/pagination';
import { SandboxQuery } from '../dto/sandbox-query.dto';
import { SandboxMessage, SandboxStatus } from './sandbox-message.entity';
import { sql } from '../../database/sql';

export type NewSandboxMessage = Omit<SandboxMessage, 'id' | 'createdAt' | 'updatedAt'>;

const BATCH_SIZE = 1000;
const FLUSH_AFTER_MS = 50;

/**
 * The sandbox keeps up with the dispatcher's full pace: a send is kept in memory and written
 * with others in one statement a few milliseconds later. Every read flushes first.
 */
@Injectable()
export class SandboxMessageRepository implements OnModuleDestroy {
  private readonly logger = new Logger('Sandbox');
  private pending: SandboxMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private written: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  record(message: NewSandboxMessage): SandboxMessage {
    const now = this.clock.now();
    const row: SandboxMessage = { ...message, id: randomUUID(), createdAt: now, updatedAt: now };
    this.pending.push(row);
    if (this.pending.length >= BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
    return row;
  }

  /** Resolves once everything recorded so far is in the table. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.written = this.written.then(() =>
        this.insert(batch).catch((error) => this.logger.error({ err: error, count: batch.length }, 'sandbox messages lost')),
      );
    }
    return this.written;
  }

  async list(query: SandboxQuery): Promise<Page<SandboxMessage>> {
    await this.flush();
    const where: FindOptionsWhere<SandboxMessage> = {};
    if (query.channel) where.channel = query.channel;
    if (query.direction) where.direction = query.direction;
    if (query.attemptId) where.attemptId = query.attemptId;
    // A customer's messages: those of their contact attempts (the sandbox row keeps no customer of its own).
    if (query.customerId) {
      where.attemptId = Raw(
        (column) =>
          `${column} IN (SELECT id::text FROM contact_attempts WHERE customer_id = :customerId${query.attemptId ? ' AND id::text = :attemptId' : ''})`,
        { customerId: query.customerId, attemptId: query.attemptId },
      );
    }
    const [items, total] = await this.db.getRepository(SandboxMessage).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /** What the sandbox "provider" holds for one attempt: its records, as Twilio's list would show them. */
  async forAttempt(attemptId: string): Promise<SandboxMessage[]> {
    await this.flush();
    return this.db.getRepository(SandboxMessage).findBy({ attemptId, direction: 'outbound' });
  }

  async get(id: string): Promise<SandboxMessage> {
    await this.flush();
    const message = await this.db.getRepository(SandboxMessage).findOneBy({ id });
    if (!message) throw new NotFoundError('sandbox message', id);
    return message;
  }

  async setStatus(id: string, status: SandboxStatus, errorCode: string | null = null): Promise<void> {
    await this.flush();
    await sql(this.db, 'UPDATE sandbox_messages SET status = $2, error_code = $3, updated_at = $4 WHERE id = $1', [
      id,
      status,
      errorCode,
      this.clock.now(),
    ]);
  }

  onModuleDestroy(): Promise<void> {
    return this.flush();
  }

  private async insert(batch: SandboxMessage[]): Promise<void> {
    const rows = batch.map((m) => ({
      id: m.id,
      channel: m.channel,
      direction: m.direction,
      provider_ref: m.providerRef,
      attempt_id: m.attemptId,
      to_address: m.toAddress,
      from_address: m.fromAddress,
      subject: m.subject,
      body: m.body,
      html: m.html,
      headers: m.headers,
      machine_detection: m.machineDetection,
      status: m.status,
      error_code: m.errorCode,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
    }));
    await sql(
      this.db,
      `INSERT INTO sandbox_messages (id, channel, direction, provider_ref, attempt_id, to_address, from_address, subject,
                                     body, html, headers, machine_detection, status, error_code, created_at, updated_at)
       SELECT id, channel, direction, provider_ref, attempt_id, to_address, from_address, subject,
              body, html, headers, machine_detection, status, error_code, created_at, updated_at
         FROM jsonb_to_recordset($1::jsonb) AS r(
                id uuid, channel text, direction text, provider_ref text, attempt_id text, to_address text,
                from_address text, subject text, body text, html text, headers jsonb, machine_detection boolean,
                status text, error_code text, created_at timestamptz, updated_at timestamptz)`,
      [JSON.stringify(rows)],
    );
  }
}
