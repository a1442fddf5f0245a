import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'core banking batch', description: 'what the key is for' })
  @IsString()
  @Length(1, 80)
  label: string;
}

export class IssuedApiKeyDto {
  @ApiProperty()
  id: string;

  @ApiProperty({ description: 'shown this once; Herald keeps only its hash' })
  key: string;

  @ApiProperty()
  prefix: string;
}
