import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Locale } from '../customers/customer.entity';
import { CompiledVariant } from './template.compiler';
import { TemplateChannel, VariantId } from './template.model';
import { sql, sqlOne } from '../database/sql';

export interface StoredVersion {
  locale: Locale;
  channel: TemplateChannel;
  version: string;
  firstSeen: Date;
}

/** The `template_versions` table: the source of every version Herald has loaded, kept for pinned campaigns. */
@Injectable()
export class TemplateVersionStore {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Records the versions loaded now in one statement; a version seen before keeps its first_seen. */
  async record(variants: CompiledVariant[]): Promise<void> {
    const column = (pick: (variant: CompiledVariant) => string) => variants.map(pick);
    await sql(
      this.db,
      `INSERT INTO template_versions (key, locale, channel, version, source, first_seen)
       SELECT v.key, v.locale, v.channel, v.version, v.source, $6
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v (key, locale, channel, version, source)
       ON CONFLICT DO NOTHING`,
      [
        column((v) => v.key),
        column((v) => v.locale),
        column((v) => v.channel),
        column((v) => v.version),
        column((v) => v.source),
        this.clock.now(),
      ],
    );
  }

  async source({ key, locale, channel }: VariantId, version: string): Promise<string | undefined> {
    const row = await sqlOne<{ source: string }>(
      this.db,
      `SELECT source FROM template_versions WHERE key = $1 AND locale = $2 AND channel = $3 AND version = $4`,
      [key, locale, channel, version],
    );
    return row?.source;
  }

  async history(key: string): Promise<StoredVersion[]> {
    const rows = await sql<{ locale: Locale; channel: TemplateChannel; version: string; first_seen: Date }>(
      this.db,
      `SELECT locale, channel, version, first_seen FROM template_versions WHERE key = $1 ORDER BY locale, channel, first_seen DESC, version`,
      [key],
    );
    return rows.map((row) => ({ locale: row.locale, channel: row.channel, version: row.version, firstSeen: row.first_seen }));
  }
}
