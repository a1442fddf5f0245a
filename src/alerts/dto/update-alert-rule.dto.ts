import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { SegmentRuleProperty } from '../../segments/dto/segment-rule.decorator';
import { SEVERITIES, Severity } from '../alert-rule.rules';

/** Absent fields stay as they are; only the description may be cleared with null. */
export class UpdateAlertRuleDto {
  @ApiPropertyOptional({ maxLength: 120 })
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.name !== undefined)
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @SegmentRuleProperty({ required: false })
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.rule !== undefined)
  rule?: Record<string, unknown>;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.severity !== undefined)
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional()
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.queue !== undefined)
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'queue must be 1-40 of a-z, 0-9, _ and -' })
  queue?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 43200 })
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.slaMinutes !== undefined)
  @IsInt()
  @Min(1)
  @Max(43200)
  slaMinutes?: number;

  @ApiPropertyOptional()
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.closeOnExit !== undefined)
  @IsBoolean()
  closeOnExit?: boolean;

  @ApiPropertyOptional()
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.scheduled !== undefined)
  @IsBoolean()
  scheduled?: boolean;

  @ApiPropertyOptional()
  @ValidateIf((dto: UpdateAlertRuleDto) => dto.enabled !== undefined)
  @IsBoolean()
  enabled?: boolean;
}
