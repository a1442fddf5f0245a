import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { LOCALES, Locale } from '../../customers/customer.entity';
import { TEMPLATE_CHANNELS, TemplateChannel } from '../template.model';

export class PreviewTemplateDto {
  @ApiProperty({ enum: LOCALES })
  @IsIn(LOCALES)
  locale: Locale;

  @ApiProperty({ enum: TEMPLATE_CHANNELS })
  @IsIn(TEMPLATE_CHANNELS)
  channel: TemplateChannel;

  @ApiPropertyOptional({ description: 'a version (content hash) to preview instead of the current one', example: '3f9a1c0b7d2e' })
  @IsOptional()
  @Matches(/^[0-9a-f]{12}$/, { message: 'must be a 12-digit template version' })
  version?: string;

  @ApiPropertyOptional({ description: 'preview for this customer; names, phones and e-mail addresses come back masked' })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({
    description: 'without customerId: profile fields to use instead of the sample customer’s',
    example: { fullName: 'Li Na', dueDate: '2025-12-05', minimumDue: 50000 },
  })
  @IsOptional()
  @IsObject()
  sample?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'message variables; any the template needs and this omits take sample values',
    example: { txn: { amount: 268800, currency: 'CNY', merchant: 'JD.COM', at: '2025-11-21T06:32:00Z', reference: '4821' } },
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'marketing e-mail: the one-click unsubscribe URL (a placeholder otherwise)' })
  @IsOptional()
  @IsString()
  unsubscribeUrl?: string;

  @ApiPropertyOptional({ description: 'voice with a gather: where Twilio posts the digits (a placeholder otherwise)' })
  @IsOptional()
  @IsString()
  gatherActionUrl?: string;
}
