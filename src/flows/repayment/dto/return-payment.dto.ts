import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** A booked payment the core system reports returned unpaid (a bounced direct debit, a reversed transfer). */
export class ReturnPaymentDto {
  @ApiProperty({ description: 'The reference the payment was booked under (POST /payments)', example: 'PAY-2026-000981' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference: string;

  @ApiProperty({ description: 'When the payment came back', example: '2026-11-26T09:00:00Z' })
  @IsDateString({ strict: true })
  returnedAt: string;

  @ApiPropertyOptional({ description: "The bank's or core system's reason", example: 'insufficient funds' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
