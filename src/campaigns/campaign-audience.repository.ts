import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Locale } from '../customers/customer.entity';
import { sql } from '../database/sql';
import { AudienceCondition } from './run-materialiser';

export interface AudienceLocaleRow {
  locale: Locale;
  customers: number;
}

export interface AudienceCurrencyRow {
  total: number;
  /** Customers holding their card in another currency than the one asked about. */
  other: number;
  currencies: string[];
}

/** What launch checks read of a campaign's audience (a condition over `customers c`). */
@Injectable()
export class CampaignAudienceRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** How many of the audience speak each locale (none: the audience is empty). */
  locales(audience: AudienceCondition): Promise<AudienceLocaleRow[]> {
    return sql<AudienceLocaleRow>(
      this.db,
      `SELECT locale, count(*)::int AS customers FROM customers c WHERE ${audience.where} GROUP BY locale`,
      audience.params,
    );
  }

  /** The audience's size, and who in it holds another currency than `currency`. */
  async currencies(audience: AudienceCondition, currency: string): Promise<AudienceCurrencyRow> {
    const currencyParam = audience.params.length + 1;
    const [row] = await sql<AudienceCurrencyRow>(
      this.db,
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE c.currency <> $${currencyParam})::int AS other,
              coalesce(array_agg(DISTINCT c.currency) FILTER (WHERE c.currency <> $${currencyParam}), '{}') AS currencies
         FROM customers c WHERE ${audience.where}`,
      [...audience.params, currency],
    );
    return row;
  }
}
