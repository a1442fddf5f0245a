import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { CustomerImport } from './customer-import.entity';

/** One reason a row was refused, as the rejection report stores it. */
export interface Rejection {
  row: number;
  field: string;
  reason: string;
  externalRef: string | null;
}

/** Writes an import's job row and rejection report; every write also proves the import alive (heartbeat). */
@Injectable()
export class ImportJobRecorder {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async running(id: string): Promise<void> {
    const now = this.clock.now();
    await this.db.getRepository(CustomerImport).update(id, { status: 'running', startedAt: now, heartbeatAt: now });
  }

  async progress(id: string, progress: Partial<CustomerImport>): Promise<void> {
    await this.db.getRepository(CustomerImport).update(id, { ...progress, heartbeatAt: this.clock.now() });
  }

  async rejections(importId: string, rejections: Rejection[]): Promise<void> {
    if (!rejections.length) return;
    await this.db.query(
      `INSERT INTO customer_import_rejections (import_id, row_number, field, reason, external_ref)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT DO NOTHING`,
      [
        importId,
        rejections.map((r) => r.row),
        rejections.map((r) => r.field),
        rejections.map((r) => r.reason),
        rejections.map((r) => r.externalRef),
      ],
    );
  }

  async finished(
    id: string,
    status: 'succeeded' | 'failed',
    changes: Partial<CustomerImport>,
    error?: DomainError,
  ): Promise<void> {
    const now = this.clock.now();
    await this.db.getRepository(CustomerImport).update(id, {
      ...changes,
      status,
      finishedAt: now,
      heartbeatAt: now,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      errorDetails: error?.details ?? [],
    });
  }
}
