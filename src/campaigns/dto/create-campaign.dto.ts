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
import { CHANNELS, ContactChannel } from '../../dispatch/contact-task.entity';
import { STEP_CONDITIONS, StepCondition } from '../../dispatch/contact-task.entity';
import { CAMPAIGN_PURPOSES, CampaignPurpose } from '../campaign.entity';
import { CampaignVariablesDto } from './campaign-variables.dto';

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

  @ApiProperty({ enum: CAMPAIGN_PURPOSES, description: 'not fraud: fraud messages come only from the fraud flow' })
  @IsIn(CAMPAIGN_PURPOSES, {
    message: `must be one of ${CAMPAIGN_PURPOSES.join(', ')} (fraud messages come from the fraud flow)`,
  })
  purpose: CampaignPurpose;

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

  @ApiPropertyOptional({
    type: CampaignVariablesDto,
    description:
      "the values the plan's templates' message fields take, the same for every customer: exactly the `link.*`, " +
      '`product.*` and `offer.*` fields the templates declare (GET /templates/{key}: `fields`, `optional`); a ' +
      'missing one is refused with 422 CAMPAIGN_VARIABLE_MISSING naming it, one no template uses with CAMPAIGN_VARIABLE_UNUSED',
    example: { link: { url: 'https://card.example.cn/activate' } },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignVariablesDto)
  variables?: CampaignVariablesDto;

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

/** Request examples for the OpenAPI description; each one is created as it stands by the e2e suite. */
export const CREATE_CAMPAIGN_EXAMPLES: Record<string, { summary: string; value: CreateCampaignDto }> = {
  cardActivation: {
    summary: 'marketing e-mail with its call-to-action link, then an SMS to those who did not reply',
    value: {
      name: 'Card activation, November',
      purpose: 'marketing',
      audience: { customerRefs: ['C-1001', 'C-1002'] },
      plan: [
        { channel: 'email', template: 'card-activation' },
        { channel: 'sms', template: 'card-activation', afterHours: 48, when: 'no_reply' },
      ],
      variables: { link: { url: 'https://card.example.cn/activate' } },
      startsAt: '2026-11-23T01:00:00Z',
      endsAt: '2026-11-30T14:00:00Z',
    },
  },
  newCardOffer: {
    summary: 'a card product offered by e-mail: its name and the apply link',
    value: {
      name: 'Platinum offer',
      purpose: 'marketing',
      audience: { customerRefs: ['C-1001', 'C-1002'] },
      plan: [{ channel: 'email', template: 'new-card-offer' }],
      variables: { product: { name: 'Platinum Card' }, link: { url: 'https://card.example.cn/apply/platinum' } },
      startsAt: '2026-11-23T01:00:00Z',
      endsAt: '2026-11-30T14:00:00Z',
    },
  },
  instalmentOffer: {
    summary: 'an instalment plan offered by SMS: months, the monthly amount and its currency, a deadline',
    value: {
      name: 'Instalment plan offer',
      purpose: 'collections',
      audience: { customerRefs: ['C-1001', 'C-1002'] },
      plan: [{ channel: 'sms', template: 'collections-later-offer' }],
      variables: { offer: { instalments: 6, instalmentAmount: { amount: 21000, currency: 'CNY' }, respondBy: '2026-12-12' } },
      startsAt: '2026-11-23T01:00:00Z',
      endsAt: '2026-11-30T14:00:00Z',
    },
  },
};
