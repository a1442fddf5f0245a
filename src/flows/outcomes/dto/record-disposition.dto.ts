import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ContactPurpose, PURPOSES } from '../../../dispatch/contact-task.entity';
import { PromiseToPayDto } from '../../repayment/dto/promise-to-pay.dto';
import { Disposition, DISPOSITIONS } from '../disposition.rules';

export class RecordDispositionDto {
  @ApiProperty({ enum: DISPOSITIONS, example: 'too_many_calls' })
  @IsIn(DISPOSITIONS)
  code: Disposition;

  @ApiPropertyOptional({ enum: PURPOSES, default: 'collections', description: 'What the call was about' })
  @IsOptional()
  @IsIn(PURPOSES)
  purpose: ContactPurpose = 'collections';

  @ApiPropertyOptional({ description: 'Required with promise_to_pay', type: PromiseToPayDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PromiseToPayDto)
  promise?: PromiseToPayDto;

  @ApiPropertyOptional({ description: 'Required with call_back_at', example: '2026-11-25T06:00:00Z' })
  @IsOptional()
  @IsDateString({ strict: true })
  callBackAt?: string;

  @ApiPropertyOptional({ description: 'Free text for the next agent; no card numbers', example: 'asked to be called after work' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
