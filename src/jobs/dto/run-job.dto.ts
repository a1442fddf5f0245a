import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class RunJobDto {
  @ApiPropertyOptional({
    description:
      "Run as if it were this date in every customer's zone (within 7 days of today); absent: each customer's own local " +
      'today, as the hourly run does. Contacts are never due before now.',
    example: '2026-03-10',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date, YYYY-MM-DD' })
  date?: string;
}
