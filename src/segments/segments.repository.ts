import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DATABASE } from '../database/database.module';
import { sql } from '../database/sql';
import { RiskLevel } from '../customers/customer.entity';
import { SampleCustomerDto } from './dto/segment-preview.dto';
import { CompiledSegment } from './segment-rule.compiler';

export interface RiskLevelCountRow {
  riskLevel: RiskLevel;
  count: number;
}

/** A sampled customer, in clear: the service masks the name and phone. */
export type SampleCustomerRow = Omit<SampleCustomerDto, 'name'> & { fullName: string };

/** What a segment's preview reads from the book. */
@Injectable()
export class SegmentsRepository {
  constructor(
    /** Previews: counts and a sample that may lag a little (a replica if there is one). */
    @Inject(READ_DATABASE) private readonly reads: DataSource,
  ) {}

  /** The audience's customers counted by risk level, and the first `sampleSize` of them. */
  async preview(
    { where, params }: CompiledSegment,
    sampleSize: number,
  ): Promise<{ counts: RiskLevelCountRow[]; sample: SampleCustomerRow[] }> {
    // One snapshot, so the sample and the counts describe the same book.
    return this.reads.transaction('REPEATABLE READ', async (manager) => {
      await sql(manager, 'SET TRANSACTION READ ONLY');
      const counts = await sql<RiskLevelCountRow>(
        manager,
        `SELECT c.risk_level AS "riskLevel", count(*)::int AS count FROM customers c WHERE ${where} GROUP BY c.risk_level`,
        params,
      );
      const sample = await sql<SampleCustomerRow>(
        manager,
        `SELECT c.id, c.external_ref AS "externalRef", c.full_name AS "fullName", c.phone, c.risk_level AS "riskLevel",
                c.card_status AS "cardStatus", c.days_past_due AS "daysPastDue"
           FROM customers c WHERE ${where} LIMIT ${sampleSize}`,
        params,
      );
      return { counts, sample };
    });
  }
}
