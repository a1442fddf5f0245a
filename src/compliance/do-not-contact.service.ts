import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CsvError, parse } from 'csv-parse';
import { PoolClient } from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, QueryFailedError } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/domain-error';
import { Page } from '../common/pagination';
import { normaliseAddress } from './contact-address.normalizer';
import { DoNotContactEntry, DoNotContactKind } from './do-not-contact-entry.entity';
import { ListDoNotContactQuery } from './dto/list-do-not-contact.query';
import { DoNotContactRepository } from './do-not-contact.repository';

export interface DoNotContactImport {
  /** Data lines read (a header line is not counted). */
  lines: number;
  added: number;
  /** Valid lines whose address was listed already, or earlier in the same file. */
  alreadyListed: number;
  invalid: number;
  /** The first invalid lines, by line number. */
  problems: { line: number; reason: string }[];
}

const MAX_PROBLEMS = 100;
const MAX_REASON = 500;
const HEADER = /^(value|phone|email|address|e-mail|number)$/i;

/** The global do-not-contact list: phones and e-mail addresses nobody contacts but for fraud alerts. */
@Injectable()
export class DoNotContactService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly entries: DoNotContactRepository,
    private readonly clock: Clock,
  ) {}

  async add(input: { value: string; reason?: string }, actorId: string): Promise<DoNotContactEntry> {
    const address = normaliseAddress(input.value);
    if ('reason' in address) throw new ValidationFailedError([{ field: 'value', reason: address.reason }]);
    try {
      return await this.db.transaction(async (manager) => {
        const repository = manager.getRepository(DoNotContactEntry);
        const entry = await repository.save(
          repository.create({ ...address, reason: input.reason ?? null, addedBy: actorId, addedAt: this.clock.now() }),
        );
        await this.entries.recordConsentChanged(manager, entry);
        return entry;
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
        throw new DomainError('DO_NOT_CONTACT_LISTED', `this ${address.kind} is on the list already`, HttpStatus.CONFLICT, [
          { field: 'value', reason: 'is listed already' },
        ]);
      }
      throw error;
    }
  }

  /** Takes an entry off the list; the row stays, with who removed it and when. */
  async remove(id: string, actorId: string): Promise<void> {
    const { affected } = await this.db
      .createQueryBuilder()
      .update(DoNotContactEntry)
      .set({ removedAt: this.clock.now(), removedBy: actorId })
      .where('id = :id AND removed_at IS NULL', { id })
      .execute();
    if (!affected) throw new NotFoundError('do-not-contact entry', id);
  }

  /** Listed entries, newest first; `value` finds one address however it is written. */
  async list(query: ListDoNotContactQuery): Promise<Page<DoNotContactEntry>> {
    const builder = this.db
      .getRepository(DoNotContactEntry)
      .createQueryBuilder('d')
      .where('d.removed_at IS NULL')
      .orderBy('d.added_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (query.kind) builder.andWhere('d.kind = :kind', { kind: query.kind });
    if (query.value) {
      const address = normaliseAddress(query.value);
      if ('reason' in address) throw new ValidationFailedError([{ field: 'value', reason: address.reason }]);
      builder.andWhere('d.kind = :addressKind AND d.value = :value', { addressKind: address.kind, value: address.value });
    }
    const [items, total] = await builder.getManyAndCount();
    return { items, total, limit: query.limit, offset: query.offset };
  }

  /**
   * Adds every address in a file — one per line, or CSV with the address first and an optional
   * reason second, an optional header line — in one statement: lines are checked and normalised
   * as they stream in, copied into a temporary table, then inserted together.
   */
  async import(
    file: Readable,
    contentType: string | undefined,
    defaultReason: string | undefined,
    actorId: string,
  ): Promise<DoNotContactImport> {
    if (!/^text\/(csv|plain)\b/i.test(contentType ?? '')) {
      throw new DomainError(
        'UNSUPPORTED_MEDIA_TYPE',
        'send the file as text/csv or text/plain',
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    }
    const result: DoNotContactImport = { lines: 0, added: 0, alreadyListed: 0, invalid: 0, problems: [] };
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await client.query('BEGIN');
      await this.entries.createImportTable(client);
      const copy = this.entries.copyImportLines(client);
      const rows = parse({
        bom: true,
        trim: true,
        skip_empty_lines: true,
        relax_column_count: true,
        relax_quotes: true,
        info: true,
      });
      const encode = async function* (records: AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        for await (const { record, info } of records) {
          const [value = '', reason] = record;
          if (info.lines === 1 && HEADER.test(value)) continue;
          result.lines++;
          const address = normaliseAddress(value);
          if ('reason' in address) {
            result.invalid++;
            if (result.problems.length < MAX_PROBLEMS)
              result.problems.push({ line: info.lines, reason: `"${mask(value)}" ${address.reason}` });
            continue;
          }
          const note = (reason || defaultReason || '').slice(0, MAX_REASON);
          yield [info.lines, address.kind, address.value, note ? copyText(note) : '\\N'].join('\t') + '\n';
        }
      };
      await pipeline(file, rows, encode, copy);
      const added = await this.entries.listImported(client, actorId, this.clock.now());
      await client.query('COMMIT');
      result.added = added;
      result.alreadyListed = result.lines - result.invalid - result.added;
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof CsvError) {
        throw new DomainError('DO_NOT_CONTACT_FILE_UNREADABLE', `the file is not readable CSV: ${(error as Error).message}`);
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Whether each customer's phone and e-mail address are listed, from one query. */
  async listedFor(customerIds: readonly string[], upTo?: Date): Promise<Map<string, Record<DoNotContactKind, boolean>>> {
    const rows = await this.entries.listedFor(customerIds, upTo);
    return new Map(rows.map(({ id, phone, email }) => [id, { phone, email }]));
  }
}

/** Problems name the line, not the whole address: an import report is no place for personal data. */
function mask(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 2)}…${value.slice(-2)}`;
}

function copyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}
