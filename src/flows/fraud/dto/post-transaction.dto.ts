import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

/** A card transaction as the core system posts it. Either `customerRef` or `customerId` names the cardholder. */
export class PostTransactionDto {
  @ApiProperty({ description: "The core system's transaction id; posting it again is a no-op", example: 'TXN-20261123-0001' })
  @IsString()
  @Length(1, 100)
  reference: string;

  @ApiPropertyOptional({ description: "The core system's customer reference", example: 'CUST-000123' })
  @ValidateIf((o: PostTransactionDto) => o.customerId === undefined)
  @IsString()
  @Length(1, 100)
  customerRef?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiProperty({ description: 'Minor units (fen, cents)', example: 1234500 })
  @IsInt()
  @Min(0)
  amount: number;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code' })
  currency: string;

  @ApiProperty({ example: 'JD.com' })
  @IsString()
  @Length(1, 200)
  merchant: string;

  @ApiProperty({ description: 'ISO 3166 alpha-2', example: 'CN' })
  @Matches(/^[A-Za-z]{2}$/, { message: 'country must be an ISO 3166 alpha-2 code' })
  country: string;

  @ApiPropertyOptional({ example: 'Shanghai' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string;

  @ApiProperty({ description: 'Online or by phone: no card in the terminal' })
  @IsBoolean()
  cardNotPresent: boolean;

  @ApiProperty({ description: 'When the card was used (ISO 8601 with offset)', example: '2026-11-23T02:00:00Z' })
  @IsISO8601({ strict: true })
  at: string;
}
