import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ValidationFailedError } from './domain-error';

/** The largest offset a list takes: exact in JavaScript, within PostgreSQL's bigint. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

export class PageQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_OFFSET })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * For the large lists: an opaque cursor instead of an offset, so a page deep in millions of rows
 * costs what the first does and rows added meanwhile never shift the pages after it.
 */
export class CursorPageQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'The `next` of the previous page: continues after its last row (instead of `offset`)',
    pattern: '^[A-Za-z0-9_-]{1,400}$',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'is not a page of this list' })
  after?: string;
}

/** A page of a cursor-paged list: `next` continues it (absent on the last page). */
export interface CursorPage<T> extends Page<T> {
  next?: string;
}

/** timestamptz as PostgreSQL prints it (`2026-11-20 13:40:00.123456+00`): a cursor's instant, exact to the microsecond. */
export const PG_INSTANT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

/** The cursor of the row a page ended on: its sort key and id, as text (PostgreSQL's microseconds kept). */
export function encodeCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/**
 * The keys of a cursor, each checked against its shape; a cursor from another list, or with
 * `offset` beside it, is a 400 naming the field.
 */
export function decodeCursor(query: CursorPageQuery, shapes: readonly RegExp[]): string[] | undefined {
  if (query.after === undefined) return undefined;
  if (query.offset) throw new ValidationFailedError([{ field: 'offset', reason: 'cannot be given with after' }]);
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(query.after, 'base64url').toString());
  } catch {
    keys = undefined;
  }
  if (
    !Array.isArray(keys) ||
    keys.length !== shapes.length ||
    !keys.every((key, i) => typeof key === 'string' && shapes[i].test(key))
  ) {
    throw new ValidationFailedError([{ field: 'after', reason: 'is not a page of this list' }]);
  }
  return keys as string[];
}
