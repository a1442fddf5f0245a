import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { INSTANT_EXAMPLE, IsInstant } from '../../common/instant';
import { Channel, CHANNELS, Purpose, PURPOSES } from '../policy.types';

export class EligibilityQuery {
  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: Channel;

  @ApiPropertyOptional({ description: 'The fraud case a fraud alert belongs to (its per-event cap)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  fraudEventRef?: string;

  @ApiPropertyOptional({ description: 'A critical fraud case may be called at any hour', default: false })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  fraudCritical?: boolean;

  @ApiPropertyOptional({
    description:
      'The instant to decide at (ISO 8601 with its offset; now when absent). In the past, the contact log, consent and the ' +
      'do-not-contact list are read as they stood then; now or in the future, as they stand now. The profile is as it is now. ' +
      'The answer says which in `asOf`.',
    example: INSTANT_EXAMPLE,
  })
  @IsOptional()
  @IsInstant()
  at?: string;
}
