import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { CursorPageQuery } from '../../common/pagination';
import { CARD_STATUSES, CardStatus, RISK_LEVELS, RiskLevel } from '../customer.entity';

export class SearchCustomersDto extends CursorPageQuery {
  @ApiPropertyOptional({
    description:
      'one search box: a mobile number as people write it (spaces, dashes, with or without +86), part of a name, ' +
      "an exact external reference, or a card's last four digits — a customer matching any reading is found",
    example: '+86 138-1234-5678',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ description: "the card's last four digits", example: '4821' })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'must be four digits' })
  cardLast4?: string;

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
