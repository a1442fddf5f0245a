import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsUUID, ValidateIf } from 'class-validator';
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
}
