import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Min } from 'class-validator';

export class PromiseToPayDto {
  @ApiProperty({ description: 'The date the customer promised to pay by (their local date)', example: '2026-12-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  date: string;

  @ApiProperty({ description: 'Integer minor units, in the customer’s currency', example: 50000 })
  @IsInt()
  @Min(1)
  amount: number;
}
