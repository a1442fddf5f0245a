import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength } from 'class-validator';

/** A payment as the core system reports it. Give the customer by `customerId` or `externalRef`. */
export class RecordPaymentDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ description: "The core system's customer reference", example: 'C-000123' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  externalRef?: string;

  @ApiProperty({ description: 'Integer minor units (fen, cents)', example: 12345 })
  @IsInt()
  @Min(1)
  amount: number;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/)
  currency: string;

  @ApiProperty({ example: '2026-11-24T02:15:00Z' })
  @IsDateString({ strict: true })
  paidAt: string;

  @ApiProperty({
    description: 'The core system’s payment reference; posting it again changes nothing',
    example: 'PAY-2026-000981',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference: string;
}
