import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsTimeZone, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { DateTime } from 'luxon';
import { MAX_OFFSET, PageQuery } from '../../common/pagination';
import { ValidationFailedError } from '../../common/domain-error';
import {
  CHANNELS,
  ContactChannel,
  ContactPurpose,
  PURPOSES,
  TASK_STATUSES,
  TaskStatus,
} from '../../dispatch/contact-task.entity';
import { EmptyIsAbsent } from '../form-fields';

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const LOCAL_TIME_MESSAGE = 'must be a local date and time, YYYY-MM-DDTHH:mm';

/** The centre works in Shanghai time; a viewer elsewhere picks their own zone. */
export const CENTRE_ZONE = 'Asia/Shanghai';
/** The zones offered in the pickers; any IANA name typed into the URL is accepted too. */
export const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Singapore', 'Europe/London', 'America/New_York', 'UTC'];

/** A time window typed as wall-clock times in a zone the viewer chose. */
class ZonedWindow {
  @ApiPropertyOptional({
    description: 'The IANA zone `from` and `to` are read in',
    default: CENTRE_ZONE,
    example: 'Asia/Shanghai',
  })
  @EmptyIsAbsent()
  @IsOptional()
  @IsTimeZone()
  zone: string = CENTRE_ZONE;

  @ApiPropertyOptional({
    description: 'From this wall-clock time in `zone` (YYYY-MM-DDTHH:mm), inclusive',
    example: '2026-11-23T00:00',
  })
  @EmptyIsAbsent()
  @IsOptional()
  @Matches(LOCAL_TIME, { message: LOCAL_TIME_MESSAGE })
  from?: string;

  @ApiPropertyOptional({
    description: 'Up to this wall-clock time in `zone` (YYYY-MM-DDTHH:mm), exclusive',
    example: '2026-11-24T00:00',
  })
  @EmptyIsAbsent()
  @IsOptional()
  @Matches(LOCAL_TIME, { message: LOCAL_TIME_MESSAGE })
  to?: string;
}

/** The contact log's filters, as the GET form sends them. */
export class ContactLogForm extends ZonedWindow {
  /** A customer's id or their reference in the core system. */
  @ApiPropertyOptional({ description: "A customer's id or their reference in the core system", maxLength: 100 })
  @EmptyIsAbsent()
  @IsOptional()
  @MaxLength(100)
  customer?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @EmptyIsAbsent()
  @IsOptional()
  @IsUUID()
  campaign?: string;

  @ApiPropertyOptional({ enum: PURPOSES })
  @EmptyIsAbsent()
  @IsOptional()
  @IsIn(PURPOSES)
  purpose?: ContactPurpose;

  @ApiPropertyOptional({ enum: CHANNELS })
  @EmptyIsAbsent()
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: ContactChannel;

  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @EmptyIsAbsent()
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  /** Where the previous page ended (keyset: the log has millions of rows, offsets would crawl). */
  @ApiPropertyOptional({ description: 'The `next` of the previous page: an opaque cursor', pattern: '^[A-Za-z0-9_-]{1,200}$' })
  @EmptyIsAbsent()
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'is not a page of this log' })
  before?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @EmptyIsAbsent()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

export class AuditLogForm extends ZonedWindow {
  @EmptyIsAbsent()
  @IsOptional()
  @MaxLength(120)
  action?: string;

  /** A username. */
  @EmptyIsAbsent()
  @IsOptional()
  @MaxLength(63)
  actor?: string;

  @EmptyIsAbsent()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @EmptyIsAbsent()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;
}

export class DashboardForm {
  @EmptyIsAbsent()
  @IsOptional()
  @IsTimeZone()
  zone: string = CENTRE_ZONE;
}

export class TimelineForm extends PageQuery {
  @EmptyIsAbsent()
  @IsOptional()
  @IsTimeZone()
  zone?: string;
}

/** The window's ends as instants; a wall-clock time the zone skips (spring forward) is refused by name. */
export function windowOf(form: { zone: string; from?: string; to?: string }): { from?: Date; to?: Date } {
  const instant = (field: 'from' | 'to') => {
    const local = form[field];
    if (!local) return undefined;
    const at = DateTime.fromISO(local, { zone: form.zone });
    if (!at.isValid || at.toFormat("yyyy-MM-dd'T'HH:mm") !== local) {
      throw new ValidationFailedError([{ field, reason: `is not a time in ${form.zone}` }]);
    }
    return at.toJSDate();
  };
  const window = { from: instant('from'), to: instant('to') };
  if (window.from && window.to && window.from >= window.to) {
    throw new ValidationFailedError([{ field: 'to', reason: 'must be after from' }]);
  }
  return window;
}

/** The query string of a form, without the empty fields (for links that keep the filters). */
export function queryOf(form: object, drop: string[] = []): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(form)
      .filter(([key, value]) => value !== undefined && value !== '' && !drop.includes(key))
      .map(([key, value]) => [key, String(value)]),
  );
}
