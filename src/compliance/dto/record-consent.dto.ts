import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsObject, IsOptional } from 'class-validator';
import { CONSENT_SCOPES, ConsentScope } from '../consent-event.entity';
import { Channel, CHANNELS, ConsentValue } from '../policy.types';

export class RecordConsentDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiProperty({
    enum: ['all', 'marketing'],
    description: '`all`: every purpose on the channel (revoking it bans the channel); `marketing`: promotions only',
  })
  @IsIn(CONSENT_SCOPES)
  scope: ConsentScope;

  @ApiProperty({ enum: ['granted', 'revoked'] })
  @IsIn(['granted', 'revoked'])
  state: ConsentValue;

  @ApiPropertyOptional({
    description: 'What proves it: a call id, a note, a document reference. The caller and their role are added.',
    example: { callId: 'CA123', note: 'customer asked on the phone' },
  })
  @IsOptional()
  @IsObject()
  evidence?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'When the customer said it (ISO 8601, not in the future); now when absent' })
  @IsOptional()
  @IsDateString()
  at?: string;
}
