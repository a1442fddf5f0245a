import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { WORK_ORDER_OUTCOMES, WorkOrderOutcome } from '../work-order.rules';

/** What staff do to an order without resolving it; each is a line in its history. */
export const WORK_ORDER_ACTIONS = ['wait', 'resume', 'release', 'cancel', 'note'] as const;

export class WorkOrderActionDto {
  @ApiProperty({
    enum: WORK_ORDER_ACTIONS,
    description:
      'wait: waiting on the customer; resume: back in progress; release: back to the queue; cancel (supervisors); note: on the record only',
  })
  @IsIn(WORK_ORDER_ACTIONS)
  action: (typeof WORK_ORDER_ACTIONS)[number];

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required with note; no card numbers' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

export class ResolveWorkOrderDto {
  @ApiProperty({ enum: WORK_ORDER_OUTCOMES, description: 'Written to the customer profile' })
  @IsIn(WORK_ORDER_OUTCOMES)
  outcome: WorkOrderOutcome;

  @ApiProperty({ maxLength: 2000, example: 'called; customer confirmed the new job, payment plan agreed' })
  @IsString()
  @Length(1, 2000)
  note: string;
}
