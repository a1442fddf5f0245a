import { Transform, Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, ContactChannel } from '../../dispatch/contact-task.entity';
import { CAMPAIGN_PURPOSES, CampaignPurpose, STEP_CONDITIONS, StepCondition } from '../../campaigns/campaign.entity';
import { EmptyIsAbsent } from '../form-fields';

/** A number input: empty is absent, anything else a number (NaN fails the integer check, naming the field). */
const NumberOrAbsent = () => Transform(({ value }) => (value === '' || value === undefined ? undefined : Number(value)));
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** One row of the channel plan; a row without a template is an unused row. */
export class CampaignStepForm {
  @IsIn(CHANNELS)
  channel: ContactChannel;

  @EmptyIsAbsent()
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'must be a template key (lower-case letters, digits, dashes)' })
  template?: string;

  @NumberOrAbsent()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(720)
  afterHours?: number;

  @EmptyIsAbsent()
  @IsOptional()
  @IsIn(STEP_CONDITIONS)
  when?: StepCondition;
}

/** The message value inputs as the browser posts them: `variables[link][url]`, `variables[offer][instalmentAmount][amount]`. */
export type FormVariables = Record<string, Record<string, unknown>>;

/**
 * The new-campaign form as the browser posts it: a saved segment as the audience, up to three
 * plan rows, the message values its templates need, and the schedule in wall-clock times of
 * `zone` (`<input type="datetime-local">`).
 */
export class CampaignForm {
  @IsString()
  @Length(1, 120)
  name: string;

  @EmptyIsAbsent()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string;

  @IsIn(CAMPAIGN_PURPOSES)
  purpose: CampaignPurpose;

  @IsUUID(undefined, { message: 'must be a saved segment' })
  segmentId: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CampaignStepForm)
  steps: CampaignStepForm[];

  /** Typed by `variablesFromForm`, judged by the campaign's rules: text inputs cannot say more here. */
  @IsOptional()
  @IsObject()
  variables?: FormVariables;

  @Matches(LOCAL_TIME, { message: 'must be a local date and time, YYYY-MM-DDTHH:mm' })
  startsAt: string;

  @Matches(LOCAL_TIME, { message: 'must be a local date and time, YYYY-MM-DDTHH:mm' })
  endsAt: string;

  /** The zone the start, the end and the recurrence are read in. */
  @IsString()
  @Length(1, 64)
  zone: string;

  @EmptyIsAbsent()
  @IsOptional()
  @IsString()
  @Length(9, 100)
  cron?: string;

  @NumberOrAbsent()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  sendRatePerSecond?: number;

  @NumberOrAbsent()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(99)
  priority?: number;
}
