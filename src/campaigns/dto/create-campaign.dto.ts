import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, ContactChannel, ContactPurpose, PURPOSES } from '../../dispatch/contact-task.entity';
import { STEP_CONDITIONS, StepCondition } from '../campaign.entity';

export class AudienceDto {
  @ApiPropertyOptional({ description: 'a saved segment' })
  @IsOptional()
  @IsUUID()
  segmentId?: string;

  @ApiPropertyOptional({ description: 'or an uploaded list of customer references (external_ref)', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200_000)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  customerRefs?: string[];
}

export class PlanStepDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel: ContactChannel;

  @ApiProperty({ example: 'repayment-reminder', description: 'the template key (see GET /templates)' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'must be a template key (lower-case letters, digits, dashes)' })
  template: string;

  @ApiPropertyOptional({ description: 'later steps: hours after the previous step was sent', minimum: 0, maximum: 720 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(720)
  afterHours?: number;

  @ApiPropertyOptional({ enum: STEP_CONDITIONS, description: 'later steps: run only if this holds of the previous step' })
  @IsOptional()
  @IsIn(STEP_CONDITIONS)
  when?: StepCondition;
}

export class RecurrenceDto {
  @ApiProperty({ example: '0 9 * * *', description: 'cron (5 or 6 fields)' })
  @IsString()
  @Length(9, 100)
  cron: string;

  @ApiProperty({ example: 'Asia/Shanghai', description: 'the IANA zone the cron is read in' })
  @IsString()
  zone: string;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'November reminders' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: ContactPurpose;

  @ApiProperty({ type: AudienceDto })
  @ValidateNested()
  @Type(() => AudienceDto)
  audience: AudienceDto;

  @ApiProperty({ type: [PlanStepDto], description: 'ordered channel steps, 1 to 10' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PlanStepDto)
  plan: PlanStepDto[];

  @ApiProperty({ example: '2026-11-22T01:00:00Z' })
  @IsDateString()
  startsAt: string;

  @ApiProperty({ example: '2026-11-29T14:00:00Z' })
  @IsDateString()
  endsAt: string;

  @ApiPropertyOptional({ type: RecurrenceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RecurrenceDto)
  recurrence?: RecurrenceDto;

  @ApiPropertyOptional({ description: 'at most this many sends per second for this campaign', example: 20 })
  @IsOptional()
  @IsPositive()
  @Max(10_000)
  sendRatePerSecond?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 99, default: 0, description: 'within its purpose, higher goes first' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(99)
  priority?: number;
}
