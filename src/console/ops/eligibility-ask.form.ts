import { IsOptional, IsString, MaxLength } from 'class-validator';
import { DateTime } from 'luxon';
import { Channel, CHANNELS, Purpose, PURPOSES } from '../../compliance/policy.types';
import { CENTRE_ZONE, ZONES } from './ops-filters.form';

/**
 * "Could we contact them at…?" as the GET form sends it. Every field is taken as text, so a wrong
 * value comes back to the form with the field named in the viewer's language (`readEligibilityAsk`)
 * instead of an error page.
 */
export class EligibilityAskForm {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  purpose?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  channel?: string;

  /** Wall-clock time in `zone` (`<input type="datetime-local">`); empty is now. */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  at?: string;

  @IsOptional()
  @IsString()
  @MaxLength(60)
  zone?: string;
}

export type AskField = keyof EligibilityAskForm;

/** A field at fault and the catalogue key of what is wrong with it (`ops.ask.error.*`). */
export interface AskProblem {
  field: AskField;
  problem: 'choose' | 'notATime' | 'skipped' | 'notAZone';
}

export type EligibilityAsk =
  { ok: true; purpose: Purpose; channel: Channel; zone: string; at?: Date } | { ok: false; zone: string; problems: AskProblem[] };

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** The question the form asks, or every field at fault at once; an empty instant is "now". */
export function readEligibilityAsk(form: EligibilityAskForm): EligibilityAsk {
  const problems: AskProblem[] = [];
  const zone = form.zone || CENTRE_ZONE;
  const zoneKnown = DateTime.local().setZone(zone).isValid;
  if (!zoneKnown) problems.push({ field: 'zone', problem: 'notAZone' });
  if (!PURPOSES.includes(form.purpose as Purpose)) problems.push({ field: 'purpose', problem: 'choose' });
  if (!CHANNELS.includes(form.channel as Channel)) problems.push({ field: 'channel', problem: 'choose' });
  let at: Date | undefined;
  if (form.at) {
    const local = DateTime.fromISO(form.at, { zone: zoneKnown ? zone : 'UTC' });
    if (!LOCAL_TIME.test(form.at) || !local.isValid) problems.push({ field: 'at', problem: 'notATime' });
    // Spring forward: 02:30 does not exist that night, and luxon would quietly move it to 03:30.
    else if (zoneKnown && local.toFormat("yyyy-MM-dd'T'HH:mm") !== form.at) problems.push({ field: 'at', problem: 'skipped' });
    else at = local.toJSDate();
  }
  if (problems.length) return { ok: false, zone: zoneKnown ? zone : CENTRE_ZONE, problems };
  return { ok: true, purpose: form.purpose as Purpose, channel: form.channel as Channel, zone, ...(at ? { at } : {}) };
}

/** What the form partial (views/partials/ops/eligibility-ask.hbs) needs: its choices, values and problems. */
export function askView(customerId: string, form: EligibilityAskForm, zone: string, problems: AskProblem[] = []) {
  const zones = ZONES.includes(zone) ? ZONES : [zone, ...ZONES];
  return { customerId, form, zone, problems, purposes: PURPOSES, channels: CHANNELS, zones };
}
