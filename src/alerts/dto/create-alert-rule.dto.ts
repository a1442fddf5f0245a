import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { SegmentRuleProperty } from '../../segments/dto/segment-rule.decorator';
import { SEVERITIES, Severity } from '../alert-rule.rules';

export class CreateAlertRuleDto {
  @ApiProperty({ example: '30 days past due', maxLength: 120 })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  /** The segment language: the same compiler, fields and operators as segments. */
  @SegmentRuleProperty()
  rule: Record<string, unknown>;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity: Severity;

  @ApiProperty({ example: 'risk-desk', description: 'The team whose queue the work orders go to' })
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'queue must be 1-40 of a-z, 0-9, _ and -' })
  queue: string;

  @ApiProperty({ minimum: 1, maximum: 43200, example: 240, description: 'Minutes from the alert to the work order’s due-by' })
  @IsInt()
  @Min(1)
  @Max(43200)
  slaMinutes: number;

  @ApiPropertyOptional({
    default: true,
    description: 'Resolve the work order (outcome condition_cleared) when the customer leaves the rule',
  })
  @IsOptional()
  @IsBoolean()
  closeOnExit: boolean = true;

  @ApiPropertyOptional({
    description:
      'Also evaluate over the whole book every hour. Default: true when the rule reads a day count (daysPastDue is a stored field, so not)',
  })
  @IsOptional()
  @IsBoolean()
  scheduled?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled: boolean = true;
}
