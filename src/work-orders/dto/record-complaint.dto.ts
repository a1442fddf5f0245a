import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { SEVERITIES, Severity } from '../../alerts/alert-rule.rules';

export class RecordComplaintDto {
  @ApiProperty({ maxLength: 500, example: 'charged a late fee after paying on the due date' })
  @IsString()
  @Length(1, 500)
  summary: string;

  @ApiPropertyOptional({ enum: SEVERITIES, default: 'medium' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity: Severity = 'medium';
}
