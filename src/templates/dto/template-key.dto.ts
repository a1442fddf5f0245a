import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class TemplateKeyParams {
  @ApiProperty({ example: 'fraud-verification', description: 'the template key: its directory under scripts-templates/' })
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be kebab-case, like fraud-verification' })
  key: string;
}
