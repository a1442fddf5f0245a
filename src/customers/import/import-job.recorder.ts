import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { CustomerImport } from './customer-import.entity';
import { sql } from '../../database/sql';

/** One reason a row was refused, as the rejection report stores it. */
export interface Rejection {
  row: number;
  field: string;
  reason: string;
  externalRef: string | null;
}

/** What a file said, as text PostgreSQL keeps: its NUL characters shown as U+FFFD. */
const storable = (text: string) => text.replace(/\0/g, '\uFFFD');
const storableOrNull = (text: string | null) => (text === null ? null : storable(text));

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
    await sql(
      this.db,
      `INSERT INTO customer_import_rejections (import_id, row_number, field, reason, external_ref)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT DO NOTHING`,
      [
        importId,
        rejections.map((r) => r.row),
        rejections.map((r) => storable(r.field)),
        rejections.map((r) => storable(r.reason)),
        rejections.map((r) => storableOrNull(r.externalRef)),
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
      errorMessage: error ? storable(error.message) : null,
      errorDetails: (error?.details ?? []).map((d) => ({ field: storable(d.field), reason: storable(d.reason) })),
    });
  }
}
