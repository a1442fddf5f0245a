import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class EraseCustomerDto {
  @ApiProperty({
    description: 'Why the customer is erased: the request and its reference, kept with the erasure (no personal data)',
    example: 'PIPL art. 47 request, ticket DSR-2026-0412',
    minLength: 3,
    maxLength: 500,
  })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}
