import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { SegmentRuleProperty } from './segment-rule.decorator';

export class CreateSegmentDto {
  @ApiProperty({ example: 'Overdue 1–30 days, medium or high risk', maxLength: 120 })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @SegmentRuleProperty()
  rule: Record<string, unknown>;
}
