import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { CursorPageQuery } from '../../common/pagination';
import { CARD_STATUSES, CardStatus, RISK_LEVELS, RiskLevel } from '../customer.entity';

export class SearchCustomersDto extends CursorPageQuery {
  @ApiPropertyOptional({ description: 'exact external reference' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  externalRef?: string;

  @ApiPropertyOptional({ description: 'a mobile number, in E.164 or as written in CN', example: '13812345678' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ description: 'exact e-mail address, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: 'part of the name', example: '王' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ enum: CARD_STATUSES })
  @IsOptional()
  @IsIn(CARD_STATUSES)
  cardStatus?: CardStatus;

  @ApiPropertyOptional({ enum: RISK_LEVELS })
  @IsOptional()
  @IsIn(RISK_LEVELS)
  riskLevel?: RiskLevel;

  @ApiPropertyOptional({ example: 'vip' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  tag?: string;
}
