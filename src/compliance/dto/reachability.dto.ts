import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { INSTANT_EXAMPLE, IsInstant } from '../../common/instant';
import { Purpose, PURPOSES } from '../policy.types';

export class ReachabilityDto {
  @ApiPropertyOptional({ description: 'A saved segment; give this or `rule`' })
  @ValidateIf((dto: ReachabilityDto) => dto.rule === undefined)
  @IsUUID()
  segmentId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'An unsaved segment rule as POST /segments/preview takes it; give this or `segmentId`',
    example: { field: 'daysPastDue', op: 'gt', value: 0 },
  })
  // Kept as sent: the segment compiler validates it (see SegmentRuleInterceptor).
  @Transform(({ obj }) => obj.rule, { toClassOnly: true })
  @ValidateIf((dto: ReachabilityDto) => dto.segmentId === undefined)
  @IsDefined()
  @IsObject()
  rule?: Record<string, unknown>;

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiPropertyOptional({
    description:
      'The instant to count at (ISO 8601 with its offset; now when absent; also accepted as `?at=`). In the past, the ' +
      'contact log, consent and the do-not-contact list are read as they stood then; now or later, as they stand now. ' +
      'The audience and the profiles are as they are now. The answer says which in `asOf`.',
    example: INSTANT_EXAMPLE,
  })
  @IsOptional()
  @IsInstant()
  at?: string;
}

/** `POST /policy/reachability?at=…`: the instant may come in the query too, as for eligibility. */
export class ReachabilityQuery {
  @ApiPropertyOptional({ description: 'As `at` in the body', example: INSTANT_EXAMPLE })
  @IsOptional()
  @IsInstant()
  at?: string;
}
