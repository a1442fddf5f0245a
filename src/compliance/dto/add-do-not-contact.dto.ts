import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class AddDoNotContactDto {
  @ApiProperty({
    description: 'A phone number (E.164, or a mainland China number without +86) or an e-mail address',
    example: '+8613800138000',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(320)
  value: string;

  @ApiPropertyOptional({ example: 'regulator complaint 2026-114' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
