import { validateCronExpression } from 'cron';
import { IANAZone } from 'luxon';
import { FieldProblem } from '../common/domain-error';
import { CreateCampaignDto } from './dto/create-campaign.dto';

/** What a well-formed campaign must satisfy beyond its fields' own types. */
export function campaignShapeProblems(campaign: CreateCampaignDto): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { segmentId, customerRefs } = campaign.audience;
  if (Boolean(segmentId) === Boolean(customerRefs)) {
    problems.push({ field: 'audience', reason: 'needs exactly one of segmentId or customerRefs' });
  }
  if (new Date(campaign.endsAt) <= new Date(campaign.startsAt)) {
    problems.push({ field: 'endsAt', reason: 'must be after startsAt' });
  }
  campaign.plan.forEach((step, i) => {
    if (i === 0 && (step.afterHours !== undefined || step.when !== undefined)) {
      problems.push({ field: `plan.${i}`, reason: 'the first step starts with the run: no afterHours or when' });
    }
    if (i > 0 && step.afterHours === undefined) {
      problems.push({ field: `plan.${i}.afterHours`, reason: 'is required for a later step' });
    }
  });
  if (campaign.recurrence) {
    const cron = validateCronExpression(campaign.recurrence.cron);
    if (!cron.valid) problems.push({ field: 'recurrence.cron', reason: `is not a cron expression (${cron.error?.message})` });
    if (!IANAZone.isValidZone(campaign.recurrence.zone)) {
      problems.push({ field: 'recurrence.zone', reason: 'is not an IANA time zone' });
    }
  }
  return problems;
}
