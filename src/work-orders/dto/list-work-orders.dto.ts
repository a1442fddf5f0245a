import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { SEVERITIES, Severity } from '../../alerts/alert-rule.rules';
import { PageQuery } from '../../common/pagination';
import { WORK_ORDER_STATUSES, WorkOrderStatus } from '../work-order.rules';

/** An empty filter (a console form's blank field) is no filter. */
const EmptyIsAbsent = () => Transform(({ value }) => (value === '' ? undefined : value));

export class ListWorkOrdersDto extends PageQuery {
  @ApiPropertyOptional({ example: 'risk-desk' })
  @EmptyIsAbsent()
  @IsOptional()
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'queue must be 1-40 of a-z, 0-9, _ and -' })
  queue?: string;

  @ApiPropertyOptional({ enum: WORK_ORDER_STATUSES })
  @EmptyIsAbsent()
  @IsOptional()
  @IsIn(WORK_ORDER_STATUSES)
  status?: WorkOrderStatus;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @EmptyIsAbsent()
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ description: 'true: past due-by while open, or closed after it; false: the others' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  breached?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @EmptyIsAbsent()
  @IsOptional()
  @IsUUID()
  customerId?: string;
}
