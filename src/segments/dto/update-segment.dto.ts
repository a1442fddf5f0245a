import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { SegmentRuleProperty } from './segment-rule.decorator';

/** Absent fields stay as they are; only the description may be cleared with null. */
export class UpdateSegmentDto {
  @ApiPropertyOptional({ maxLength: 120 })
  @ValidateIf((dto: UpdateSegmentDto) => dto.name !== undefined)
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @SegmentRuleProperty({ required: false })
  @ValidateIf((dto: UpdateSegmentDto) => dto.rule !== undefined)
  rule?: Record<string, unknown>;
}
