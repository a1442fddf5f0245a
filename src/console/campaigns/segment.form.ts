import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Purpose, PURPOSES } from '../../compliance/policy.types';
import { EmptyIsAbsent } from '../form-fields';

/** What the segment editor posts to count a rule: its JSON text and the purpose reachability is judged for. */
export class SegmentPreviewForm {
  @IsString()
  @MaxLength(100_000)
  rule: string;

  @IsIn(PURPOSES)
  purpose: Purpose;
}

/** The segment editor as the browser posts it, to count the rule ("Preview") or to save it. */
export class SegmentForm extends SegmentPreviewForm {
  @EmptyIsAbsent()
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;

  @EmptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}
