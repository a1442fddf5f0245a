import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
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
}
