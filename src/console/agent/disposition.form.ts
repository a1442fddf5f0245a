import { DateTime } from 'luxon';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ValidationFailedError } from '../../common/domain-error';
import { PageQuery } from '../../common/pagination';
import { CHANNELS, ContactChannel } from '../../dispatch/contact-task.entity';
import { Disposition, DISPOSITIONS } from '../../flows/outcomes/disposition.rules';
import { EmptyIsAbsent } from '../form-fields';

/** The disposition form as the browser posts it: amounts in major units, times in the customer's zone. */
export class DispositionForm {
  @IsIn(DISPOSITIONS)
  code: Disposition;

  @EmptyIsAbsent()
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date, YYYY-MM-DD' })
  promiseDate?: string;

  @EmptyIsAbsent()
  @IsOptional()
  @Matches(/^\d{1,12}(\.\d{1,2})?$/, { message: 'must be an amount like 1200 or 1200.50' })
  promiseAmount?: string;

  /** The customer's wall-clock time (an `<input type="datetime-local">`). */
  @EmptyIsAbsent()
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, { message: 'must be a local date and time, YYYY-MM-DDTHH:mm' })
  callBackAt?: string;

  @EmptyIsAbsent()
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: ContactChannel;

  @EmptyIsAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;

  /** The identity steps ticked, by their place in the script (one box posts a string, several a list). */
  @Transform(({ value }) => (value === undefined ? [] : ([] as unknown[]).concat(value)))
  @IsArray()
  @Matches(/^\d{1,2}$/, { each: true, message: 'must name identity steps of the script' })
  check: string[] = [];
}

/** Every identity step of the script ticked (a script without steps asks for none). */
export function identityVerified(ticked: string[], steps: number): boolean {
  const seen = new Set(ticked.map(Number));
  return Array.from({ length: steps }, (_, i) => i).every((i) => seen.has(i));
}

export interface DispositionInput {
  code: Disposition;
  identityVerified?: boolean;
  promise?: { date: string; amount: number };
  callBackAt?: string;
  channel?: ContactChannel;
  note?: string;
}

/** The form in the API's terms: a promise needs both its date and amount; the call-back time read in the customer's zone. */
export function dispositionFromForm(form: Omit<DispositionForm, 'check'>, customerZone: string): DispositionInput {
  const { code, promiseDate, promiseAmount, callBackAt, channel, note } = form;
  if ((promiseDate === undefined) !== (promiseAmount === undefined)) {
    throw new ValidationFailedError([
      { field: promiseDate ? 'promiseAmount' : 'promiseDate', reason: 'a promise needs both a date and an amount' },
    ]);
  }
  let callBackAtUtc: string | undefined;
  if (callBackAt) {
    const local = DateTime.fromISO(callBackAt, { zone: customerZone });
    if (!local.isValid) throw new ValidationFailedError([{ field: 'callBackAt', reason: `is not a time in ${customerZone}` }]);
    callBackAtUtc = local.toUTC().toISO({ suppressMilliseconds: true })!;
  }
  return {
    code,
    ...(promiseDate ? { promise: { date: promiseDate, amount: Math.round(Number(promiseAmount) * 100) } } : {}),
    ...(callBackAtUtc ? { callBackAt: callBackAtUtc } : {}),
    ...(channel ? { channel } : {}),
    ...(note ? { note } : {}),
  };
}

/** The queue's page, and the note it shows after a redirect (a task closed, none free to take). */
export class QueueQuery extends PageQuery {
  @IsOptional()
  @IsIn(['1'])
  done?: '1';

  @IsOptional()
  @IsIn(['1'])
  empty?: '1';

  @IsOptional()
  @IsIn(['1'])
  released?: '1';

  /** No answer on a promised call: when the next try is booked. */
  @IsOptional()
  @IsISO8601()
  retry?: string;
}
