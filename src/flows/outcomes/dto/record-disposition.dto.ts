import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { CHANNELS, ContactChannel, ContactPurpose, PURPOSES } from '../../../dispatch/contact-task.entity';
import { PromiseToPayDto } from '../../repayment/dto/promise-to-pay.dto';
import { DISCUSSES_ACCOUNT, Disposition, DISPOSITIONS } from '../disposition.rules';

export class RecordDispositionDto {
  @ApiProperty({ enum: DISPOSITIONS, example: 'too_many_calls' })
  @IsIn(DISPOSITIONS)
  code: Disposition;

  @ApiPropertyOptional({ enum: PURPOSES, default: 'collections', description: 'What the call was about' })
  @IsOptional()
  @IsIn(PURPOSES)
  purpose: ContactPurpose = 'collections';

  @ApiPropertyOptional({
    description: `Must be true with ${DISCUSSES_ACCOUNT.join(', ')}: the agent did every identity step of the call script before discussing the account (kept with the disposition); otherwise 422 DISPOSITION_IDENTITY_UNVERIFIED`,
    example: true,
  })
  @IsOptional()
  @IsBoolean()
  identityVerified?: boolean;

  @ApiPropertyOptional({ description: 'Required with promise_to_pay', type: PromiseToPayDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PromiseToPayDto)
  promise?: PromiseToPayDto;

  @ApiPropertyOptional({ description: 'Required with call_back_at', example: '2026-11-25T06:00:00Z' })
  @IsOptional()
  @IsDateString({ strict: true })
  callBackAt?: string;

  @ApiPropertyOptional({ description: 'Required with fraud_confirmed and not_fraud: the fraud case the call settles' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({
    enum: CHANNELS,
    description: 'Required with opt_out: the channel the customer wants no more contact on',
  })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: ContactChannel;

  @ApiPropertyOptional({
    description:
      "The call attempt this disposes (the contact log's id). A right-party disposition of a collections call marks it as a " +
      "conversation (Reg F lock-out); without it, the customer's latest call for this purpose in the last 24 hours is meant, " +
      'or, with none, the conversation is logged as a call of its own',
  })
  @IsOptional()
  @IsUUID()
  attemptId?: string;

  @ApiPropertyOptional({ description: 'The agent task this call was for; it is closed with the disposition' })
  @IsOptional()
  @IsUUID()
  agentTaskId?: string;

  @ApiPropertyOptional({ description: 'Free text for the next agent; no card numbers', example: 'asked to be called after work' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
