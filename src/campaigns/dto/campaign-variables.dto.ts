import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = { message: 'must be a date YYYY-MM-DD' };

/** An amount of money: minor units and the currency they are in. */
export class MoneyDto {
  @ApiProperty({ description: 'integer minor units (fen, cents)', example: 21000, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  amount: number;

  @ApiProperty({
    description: 'ISO 4217; every customer of the audience must hold their card in it (checked at launch)',
    example: 'CNY',
  })
  @Matches(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 currency code' })
  currency: string;
}

export class LinkVariablesDto {
  @ApiPropertyOptional({
    description: "`link.url`: the e-mail's call to action (apply, activate), an http(s) URL",
    example: 'https://card.example.cn/activate',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL' })
  @MaxLength(2000)
  url?: string;
}

export class ProductVariablesDto {
  @ApiPropertyOptional({ description: '`product.name`: the card product offered', example: 'Platinum Card' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class OfferVariablesDto {
  @ApiPropertyOptional({ description: '`offer.instalments`: months of the instalment plan', example: 6, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  instalments?: number;

  @ApiPropertyOptional({ type: MoneyDto, description: '`offer.instalmentAmount`: the monthly amount' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  instalmentAmount?: MoneyDto;

  @ApiPropertyOptional({ description: '`offer.deferUntil`: the deferred due date', example: '2027-01-05' })
  @IsOptional()
  @Matches(DATE, dateMessage)
  deferUntil?: string;

  @ApiPropertyOptional({ description: '`offer.respondBy`: the last day to take the offer up', example: '2026-12-12' })
  @IsOptional()
  @Matches(DATE, dateMessage)
  respondBy?: string;
}

/**
 * The message values a campaign gives its templates, typed per field as the template field
 * catalogue (`src/templates/template-fields.catalogue.ts`) declares them: `link.url` a URL,
 * `product.name` text, `offer.instalmentAmount` money, `offer.respondBy` a date. Every field is
 * optional here; which ones a campaign needs is what its plan's templates declare, checked
 * against them when the campaign is created or edited (422 CAMPAIGN_VARIABLE_MISSING).
 */
export class CampaignVariablesDto {
  @ApiPropertyOptional({ type: LinkVariablesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LinkVariablesDto)
  link?: LinkVariablesDto;

  @ApiPropertyOptional({ type: ProductVariablesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProductVariablesDto)
  product?: ProductVariablesDto;

  @ApiPropertyOptional({ type: OfferVariablesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OfferVariablesDto)
  offer?: OfferVariablesDto;
}
