import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CursorPageQuery } from '../../common/pagination';

export class AuditQueryDto extends CursorPageQuery {
  @ApiPropertyOptional({ description: 'only this user' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'users.create' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  action?: string;

  @ApiPropertyOptional({
    description: 'only requests that ended with this error code, e.g. NOT_YOUR_CUSTOMER',
    example: 'NOT_YOUR_CUSTOMER',
  })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,79}$/, { message: 'must be an error code such as NOT_YOUR_CUSTOMER' })
  code?: string;

  @ApiPropertyOptional({ description: 'from this instant (ISO 8601)' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'before this instant (ISO 8601)' })
  @IsOptional()
  @IsDateString()
  to?: string;
}
