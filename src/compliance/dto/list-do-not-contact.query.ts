import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { DO_NOT_CONTACT_KINDS, DoNotContactKind } from '../do-not-contact-entry.entity';

export class ListDoNotContactQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DO_NOT_CONTACT_KINDS })
  @IsOptional()
  @IsIn(DO_NOT_CONTACT_KINDS)
  kind?: DoNotContactKind;

  @ApiPropertyOptional({ description: 'Find this address, however it is written', example: '13800138000' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  value?: string;
}
