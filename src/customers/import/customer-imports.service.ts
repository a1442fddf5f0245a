import { HttpStatus, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError, NotFoundError } from '../../common/domain-error';
import { Page, PageQuery } from '../../common/pagination';
import { CustomerImportRejection } from './customer-import-rejection.entity';
import { CustomerImport, ImportMode } from './customer-import.entity';
import { CustomerImportRunner, ImportSource } from './customer-import.runner';
import { ImportFormat } from './import-file.format';
import { describeImport, ImportView } from './import-progress.estimator';

const MEDIA_TYPES: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
};

/** A running import touches its job on every batch; one silent this long died with its process. */
const ABANDONED_AFTER_MS = 10 * 60_000;

export interface StartImport extends ImportSource {
  contentType: string | undefined;
  mode: ImportMode;
  actorId?: string;
}

@Injectable()
export class CustomerImportsService implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly runner: CustomerImportRunner,
  ) {}

  /** Imports the body to its end and answers with the finished job (which may have failed). */
  async start(input: StartImport): Promise<ImportView> {
    const format = importFormat(input.contentType);
    const now = this.clock.now();
    const job = await this.db.getRepository(CustomerImport).save({
      format,
      mode: input.mode,
      createdBy: input.actorId ?? null,
      createdAt: now,
      heartbeatAt: now,
      bytesTotal: input.bytesTotal ?? null,
      rowsTotal: input.expectedRows ?? null,
      rowsTotalBasis: input.expectedRows !== undefined ? 'declared' : input.bytesTotal !== undefined ? 'estimated' : 'unknown',
    });
    await this.runner.run(job, input);
    return this.get(job.id);
  }

  async get(id: string): Promise<ImportView> {
    const job = await this.db.getRepository(CustomerImport).findOneBy({ id });
    if (!job) throw new NotFoundError('customer import', id);
    return describeImport(job, this.clock.now());
  }

  async list(page: PageQuery): Promise<Page<ImportView>> {
    const [jobs, total] = await this.db
      .getRepository(CustomerImport)
      .findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, take: page.limit, skip: page.offset });
    const now = this.clock.now();
    return { items: jobs.map((job) => describeImport(job, now)), total, limit: page.limit, offset: page.offset };
  }

  async rejections(id: string, page: PageQuery): Promise<Page<CustomerImportRejection>> {
    await this.get(id);
    const [items, total] = await this.db.getRepository(CustomerImportRejection).findAndCount({
      where: { importId: id },
      order: { rowNumber: 'ASC', field: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /** Every rejection of an import, in the order of `rejections`, read a batch at a time (an export). */
  async *allRejections(id: string): AsyncGenerator<CustomerImportRejection> {
    const limit = 1000;
    for (let offset = 0; ; offset += limit) {
      const page = await this.rejections(id, { limit, offset });
      yield* page.items;
      if (offset + limit >= page.total) return;
    }
  }

  /** Imports left running by a process that stopped are marked failed, so nobody waits on them. */
  async onApplicationBootstrap(): Promise<void> {
    const now = this.clock.now();
    await this.db
      .getRepository(CustomerImport)
      .createQueryBuilder()
      .update()
      .set({
        status: 'failed',
        finishedAt: now,
        errorCode: 'IMPORT_ABANDONED',
        errorMessage: 'the import stopped with its process',
      })
      .where({ status: In(['queued', 'running']) })
      .andWhere('heartbeat_at < :before', { before: new Date(now.getTime() - ABANDONED_AFTER_MS) })
      .execute();
  }
}

function importFormat(contentType: string | undefined): ImportFormat {
  const [type, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  const format = MEDIA_TYPES[type];
  if (!format || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new DomainError(
      'IMPORT_UNSUPPORTED_MEDIA_TYPE',
      'send the file as the body with Content-Type text/csv or application/x-ndjson (UTF-8)',
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      [{ field: 'Content-Type', reason: `must be text/csv or application/x-ndjson, got "${contentType ?? ''}"` }],
    );
  }
  return format;
}
