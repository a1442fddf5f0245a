import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsTimeZone } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { ContactLogForm } from '../../console/ops/ops-filters.form';
import { Locale, LOCALES } from '../../customers/customer.entity';

const LOCALE_DESCRIPTION = 'The language of `why` and of the reasons’ `text`; codes are the same in every language';

/** The console's log filters, and how the answer is wanted. */
export class ContactLogQuery extends ContactLogForm {
  @ApiPropertyOptional({ enum: LOCALES, default: 'en', description: LOCALE_DESCRIPTION })
  @IsOptional()
  @IsIn(LOCALES)
  locale: Locale = 'en';

  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'csv: every row the filters select, as UTF-8 CSV with a byte-order mark (as `Accept: text/csv`)',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class TimelineQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LOCALES, default: 'en', description: LOCALE_DESCRIPTION })
  @IsOptional()
  @IsIn(LOCALES)
  locale: Locale = 'en';
}

export class ReachabilityQuery {
  @ApiPropertyOptional({
    description: "The zone of the person asking: each instant is given in UTC, the customer's zone and this one",
    default: 'Asia/Shanghai',
    example: 'Europe/London',
  })
  @IsOptional()
  @IsTimeZone()
  zone: string = 'Asia/Shanghai';
}
