import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class ImportDoNotContactQuery {
  @ApiPropertyOptional({ description: 'The reason for lines that give none', example: 'carrier complaint list 2026-03' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
