import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { AnsweredBy } from '../sandbox/sandbox-twilio.simulator';
import { MessageStatus } from '../sms.channel';
import { CallStatus } from '../voice.channel';

export const SMS_OUTCOMES: MessageStatus[] = ['sent', 'delivered', 'undelivered', 'failed', 'canceled'];
export const CALL_OUTCOMES: CallStatus[] = ['ringing', 'in_progress', 'completed', 'busy', 'no_answer', 'failed', 'canceled'];
const ANSWERED_BY: AnsweredBy[] = ['human', 'machine_start', 'fax', 'unknown'];

export class SimulateStatusDto {
  @ApiProperty({
    enum: [...new Set([...SMS_OUTCOMES, ...CALL_OUTCOMES])],
    description: `an SMS: ${SMS_OUTCOMES.join(', ')}; a call: ${CALL_OUTCOMES.join(', ')}`,
  })
  @IsIn([...SMS_OUTCOMES, ...CALL_OUTCOMES])
  status: MessageStatus | CallStatus;

  @ApiPropertyOptional({
    example: 30003,
    description: 'the Twilio error code the callback carries, e.g. 30003 handset unreachable',
  })
  @IsOptional()
  @IsInt()
  @Min(10000)
  @Max(99999)
  errorCode?: number;

  @ApiPropertyOptional({ enum: ANSWERED_BY, description: 'for a call placed with machine detection' })
  @IsOptional()
  @IsIn(ANSWERED_BY)
  answeredBy?: AnsweredBy;
}
