import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { sqlOne } from '../database/sql';

/** A condition over `customers c` with its bind values: what the segment compiler produces. */
export interface Audience {
  where: string;
  params: unknown[];
}

/** What a template reads of an audience before it is sent to. */
@Injectable()
export class TemplateAudienceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** How many customers the audience holds, and how many lack each of `properties` (Customer's), in one statement. */
  async nullCounts(audience: Audience, properties: readonly string[]): Promise<{ audience: number; missing: number[] }> {
    const metadata = this.db.getMetadata(Customer);
    const counts = properties.map((property, i) => {
      const column = this.db.driver.escape(metadata.findColumnWithPropertyName(property)!.databaseName);
      return `, count(*) FILTER (WHERE c.${column} IS NULL)::int AS missing_${i}`;
    });
    // `audience` and a `missing_<i>` per property.
    const row = (await sqlOne<Record<string, number>>(
      this.db,
      `SELECT count(*)::int AS audience${counts.join('')} FROM customers c WHERE ${audience.where}`,
      audience.params,
    ))!;
    return { audience: row.audience, missing: properties.map((_, i) => row[`missing_${i}`]) };
  }
}
