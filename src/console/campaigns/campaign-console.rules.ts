import { DateTime, IANAZone } from 'luxon';
import { Campaign, CampaignVariables } from '../../campaigns/campaign.entity';
import { ApprovalState } from '../../campaigns/campaign-approvals.service';
import { LaunchReview } from '../../campaigns/launch-review.service';
import { CampaignAction, CampaignStatus, nextStatus } from '../../campaigns/campaign-lifecycle';
import { percentOf } from '../../campaigns/campaign-progress.rules';
import { Funnel, FunnelStep } from '../../campaigns/campaign-results';
import { NeededField } from '../../campaigns/campaign-variables.rules';
import { CreateCampaignDto } from '../../campaigns/dto/create-campaign.dto';
import { FieldProblem, ValidationFailedError } from '../../common/domain-error';
import { Reachability, REACHABILITY_BUCKETS } from '../../compliance/reachability.service';
import { CHANNELS } from '../../compliance/policy.types';
import { campaignFields, FieldKind } from '../../templates/template-fields.catalogue';
import { CampaignForm, CampaignStepForm, FormVariables } from './campaign.form';

/** The centre's zone: where a new campaign's schedule is read and the manager's pages show times. */
export const CENTRE_ZONE = 'Asia/Shanghai';

/** The message key naming a value of one of the console's vocabularies (statuses, channels, stages …). */
export const label = (vocabulary: string, value: string) => `campaigns.${vocabulary}.${value}`;

/** A drop-down's options: each value with the key of its name. */
export const choices = (vocabulary: string, values: readonly string[]) =>
  values.map((value) => ({ value, label: label(vocabulary, value) }));

/** The rule as typed in the editor's textarea; the segment compiler then judges its meaning. */
export function ruleFromText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationFailedError([{ field: 'rule', reason: `is not JSON (${(error as Error).message})` }]);
  }
}

/** Reachability as a table: one row per bucket, one column per channel, in the policy's order. */
export function reachabilityTable(reachability: Reachability) {
  return {
    total: reachability.total,
    channels: choices('channel', CHANNELS),
    rows: REACHABILITY_BUCKETS.map((bucket) => ({
      bucket,
      label: label('reach', bucket),
      counts: CHANNELS.map((channel) => reachability.channels[channel][bucket]),
    })),
  };
}

/** The buttons a campaign in this status offers: exactly the transitions its lifecycle allows. */
export function campaignActions(status: CampaignStatus): Exclude<CampaignAction, 'start' | 'complete'>[] {
  return (['launch', 'pause', 'resume', 'cancel'] as const).filter((action) => {
    try {
      nextStatus(status, action);
      return true;
    } catch {
      return false;
    }
  });
}

/** A campaign whose funnel can still move, so its page keeps refreshing it. */
export const isLive = (status: CampaignStatus) => status === 'scheduled' || status === 'running';

/** The funnel's stages, widest first, summed over the plan's steps. */
export const FUNNEL_STAGES = [
  'targeted',
  'sent',
  'delivered',
  'answered',
  'replied',
  'deferred',
  'suppressed',
  'failed',
] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

const CHART = { width: 640, labelWidth: 110, valueWidth: 140, bar: 22, gap: 8 };

/**
 * The funnel as a horizontal bar chart, drawn on the server as SVG geometry (no chart library, no
 * script): bars scaled to the targeted count, so an empty funnel draws zero-width bars, not NaN.
 */
export function funnelChart(funnel: Pick<Funnel, 'steps'>) {
  const totals = Object.fromEntries(
    FUNNEL_STAGES.map((stage) => [stage, funnel.steps.reduce((sum, step) => sum + step[stage], 0)]),
  ) as Record<FunnelStage, number>;
  const scale = Math.max(totals.targeted, 1);
  const room = CHART.width - CHART.labelWidth - CHART.valueWidth;
  const bars = FUNNEL_STAGES.map((stage, i) => {
    const y = i * (CHART.bar + CHART.gap);
    const width = Math.round((totals[stage] / scale) * room);
    return {
      stage,
      label: label('funnel', stage),
      value: totals[stage],
      // Of the targeted: the funnel read as a funnel.
      percent: percentOf(totals[stage], totals.targeted),
      x: CHART.labelWidth,
      y,
      width,
      height: CHART.bar,
      textY: y + CHART.bar / 2 + 4,
      valueX: CHART.labelWidth + width + 6,
    };
  });
  return { width: CHART.width, height: FUNNEL_STAGES.length * (CHART.bar + CHART.gap) - CHART.gap, totals, bars };
}

/** The funnel's columns per step, in the order a task moves through them. */
const FUNNEL_COLUMNS = [
  'targeted',
  'waiting',
  'deferred',
  'suppressed',
  'skipped',
  'expired',
  'cancelled',
  'sent',
  'delivered',
  'failed',
  'unknown',
  'answered',
  'replied',
] as const satisfies readonly (keyof FunnelStep)[];

/** The funnel per step as a table: every count the funnel has, one row per plan step. */
export function funnelTable(funnel: Pick<Funnel, 'steps'>) {
  return {
    columns: choices('funnel', FUNNEL_COLUMNS),
    rows: funnel.steps.map((step) => ({
      // Steps are counted from 0 in the outbox and from 1 by people.
      step: step.step + 1,
      channelLabel: label('channel', step.channel),
      counts: FUNNEL_COLUMNS.map((column) => step[column]),
    })),
  };
}

/** A wall-clock time in a zone as the instant it names (ISO, UTC), or the problem with it. */
function instant(local: string, zone: string, field: string, problems: FieldProblem[]): string {
  const at = DateTime.fromISO(local, { zone });
  if (!at.isValid) {
    problems.push({ field, reason: `is not a time in ${zone}` });
    return local;
  }
  return at.toUTC().toISO({ suppressMilliseconds: true })!;
}

/**
 * The form in the API's terms: the used plan rows in order (the first starts with the run, later
 * ones default to "always" after 0 hours), times read in the form's zone, and the message values
 * of the fields the chosen templates `use` (inputs left from templates no longer chosen are not
 * the campaign's). The campaign's own shape rules (end after start, cron valid …) and whether its
 * values fit its templates are CampaignsService's to check.
 */
export function campaignFromForm(form: CampaignForm, use: string[] = []): CreateCampaignDto {
  const problems: FieldProblem[] = [];
  if (!IANAZone.isValidZone(form.zone)) problems.push({ field: 'zone', reason: 'is not an IANA time zone' });
  const used = form.steps.filter((step) => step.template);
  if (!used.length) problems.push({ field: 'steps.0.template', reason: 'the plan needs at least one step with a template' });
  const startsAt = instant(form.startsAt, form.zone, 'startsAt', problems);
  const endsAt = instant(form.endsAt, form.zone, 'endsAt', problems);
  if (problems.length) throw new ValidationFailedError(problems);
  const variables = variablesFromForm(form.variables, use);
  return {
    name: form.name,
    ...(form.description ? { description: form.description } : {}),
    purpose: form.purpose,
    audience: { segmentId: form.segmentId },
    plan: used.map((step, i) =>
      i === 0
        ? { channel: step.channel, template: step.template! }
        : { channel: step.channel, template: step.template!, afterHours: step.afterHours ?? 0, when: step.when ?? 'always' },
    ),
    ...(Object.keys(variables).length ? { variables: variables as CreateCampaignDto['variables'] } : {}),
    startsAt,
    endsAt,
    ...(form.cron ? { recurrence: { cron: form.cron, zone: form.zone } } : {}),
    ...(form.sendRatePerSecond !== undefined ? { sendRatePerSecond: form.sendRatePerSecond } : {}),
    ...(form.priority !== undefined ? { priority: form.priority } : {}),
  };
}

/** A new campaign's default schedule: from now, for a week, in the manager's zone (inputs take wall-clock minutes). */
export function defaultSchedule(now: Date, zone: string): { startsAt: string; endsAt: string } {
  const start = DateTime.fromJSDate(now).setZone(zone);
  return { startsAt: start.toFormat("yyyy-MM-dd'T'HH:mm"), endsAt: start.plus({ days: 7 }).toFormat("yyyy-MM-dd'T'HH:mm") };
}

/**
 * The form's message values for the fields in `use`, typed by their kind: whole numbers as
 * numbers, an amount as `{ amount, currency }`, text trimmed. An empty input is not given; what
 * does not read as its kind is passed on as typed, for the campaign's rules to name.
 */
export function variablesFromForm(raw: FormVariables | undefined, use: string[]): CampaignVariables {
  const variables: CampaignVariables = {};
  for (const spec of campaignFields().filter((field) => use.includes(field.path))) {
    const [group, name] = spec.path.split('.');
    const value = formValue(spec.kind, raw?.[group]?.[name]);
    if (value !== undefined) (variables[group] ??= {})[name] = value;
  }
  return variables;
}

const WHOLE = /^\s*\d+\s*$/;

function formValue(kind: FieldKind, input: unknown): unknown {
  if (kind === 'money') {
    const money = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const amount = text(money.amount);
    const currency = text(money.currency)?.toUpperCase();
    if (amount === undefined && currency === undefined) return undefined;
    return { amount: amount !== undefined && WHOLE.test(amount) ? Number(amount) : amount, currency };
  }
  const value = text(input);
  if (value === undefined) return undefined;
  return kind === 'integer' && WHOLE.test(value) ? Number(value) : value;
}

const text = (input: unknown) => (typeof input === 'string' && input.trim() ? input.trim() : undefined);

const INPUT_TYPES: Partial<Record<FieldKind, string>> = { url: 'url', integer: 'number', date: 'date' };

/**
 * The message value inputs: one row for every field a campaign may give, shown when a template of
 * the plan uses it (`needed`; the page's script follows the template choices with `variableUse`),
 * with the form's values and the console's labels in both languages (`campaigns.variable.<path>`).
 */
export function variableRows(needed: NeededField[], raw: FormVariables | undefined) {
  const byPath = new Map(needed.map((field) => [field.path, field]));
  return campaignFields().map((spec) => {
    const [group, name] = spec.path.split('.');
    const field = byPath.get(spec.path);
    const given = raw?.[group]?.[name];
    const base = `variables[${group}][${name}]`;
    const inputs =
      spec.kind === 'money'
        ? [
            { name: `${base}[amount]`, type: 'number', label: 'campaigns.variable.amount', value: pick(given, 'amount') },
            { name: `${base}[currency]`, type: 'text', label: 'campaigns.variable.currency', value: pick(given, 'currency') },
          ]
        : [{ name: base, type: INPUT_TYPES[spec.kind] ?? 'text', label: label('variable', spec.path), value: given }];
    return {
      path: spec.path,
      label: label('variable', spec.path),
      money: spec.kind === 'money',
      shown: Boolean(field),
      required: field?.required ?? false,
      usedBy: field?.usedBy ?? [],
      inputs,
    };
  });
}

const pick = (value: unknown, key: string) =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** A campaign's message values as its page lists them: the label's key, and the value (an amount with its currency). */
export function variableFacts(variables: CampaignVariables) {
  return campaignFields().flatMap((spec) => {
    const [group, name] = spec.path.split('.');
    const value = variables[group]?.[name];
    if (value === undefined || value === null) return [];
    return [
      spec.kind === 'money'
        ? { path: spec.path, label: label('variable', spec.path), money: value as { amount: number; currency: string } }
        : { path: spec.path, label: label('variable', spec.path), value: String(value) },
    ];
  });
}

/**
 * A draft as the campaign form shows it: times as wall-clock minutes in `zone`, the plan padded
 * with unused rows up to `rows`, the message values as the inputs are named.
 */
export function formFromCampaign(campaign: Campaign, zone: string, rows = 3): CampaignForm {
  const local = (at: Date) => DateTime.fromJSDate(at).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
  const steps: CampaignStepForm[] = campaign.plan.map((step) => ({ ...step }));
  while (steps.length < rows) steps.push({ channel: steps.length === 0 ? 'sms' : 'email' });
  return {
    name: campaign.name,
    description: campaign.description,
    purpose: campaign.purpose,
    // The console edits campaigns of a saved segment (the page offers no edit to others).
    segmentId: campaign.segmentId ?? '',
    steps,
    variables: campaign.variables as FormVariables,
    startsAt: local(campaign.startsAt),
    endsAt: local(campaign.endsAt),
    zone: campaign.recurrenceZone ?? zone,
    cron: campaign.recurrenceCron ?? undefined,
    sendRatePerSecond: campaign.sendRatePerSecond ?? undefined,
    priority: campaign.priority,
  };
}

/** A duration as a message key and its number, so both languages say it: `45 s`, `12 min`, `3.5 h`. */
export function durationWords(seconds: number | null): { key: string; n?: number } {
  if (seconds === null) return { key: 'launch.duration.unpaced' };
  if (seconds < 90) return { key: 'launch.duration.seconds', n: Math.round(seconds) };
  if (seconds < 90 * 60) return { key: 'launch.duration.minutes', n: Math.round(seconds / 60) };
  return { key: 'launch.duration.hours', n: Math.round(seconds / 360) / 10 };
}

/** How long the tasks waiting now take, as a message key and its number (`launch.eta.*`). */
export function etaWords(seconds: number | null): { key: string; n?: number } {
  const { key, n } = durationWords(seconds);
  return { key: key.replace('launch.duration.', 'launch.eta.'), n };
}

/** The launch review as the confirmation page draws it: a row per channel the plan uses, labels for every code. */
export function launchReviewView(review: LaunchReview) {
  const used = [...new Set(review.cost.lines.map((line) => line.channel))];
  return {
    audience: review.audience,
    reach: used.map((channel) => ({
      channel,
      label: label('channel', channel),
      ...review.reach[channel],
      blockedBy: review.reach[channel].blockedBy.map(({ bucket, count }) => ({ label: label('reach', bucket), count })),
    })),
    pace: review.forecast.sendRatePerSecond,
    duration: durationWords(review.forecast.estimatedSeconds),
    cost: {
      ...review.cost,
      lines: review.cost.lines.map((line) => ({ ...line, channelLabel: label('channel', line.channel) })),
    },
    approval: approvalView(review.approval),
  };
}

/** Whether a second manager must approve, why, who did, and every decision, with labels for the codes. */
export function approvalView(state: ApprovalState) {
  const approver = state.decisions.find((d) => d.decision === 'approved' && d.decidedBy === state.approvedBy);
  return {
    needed: state.reasons.length > 0,
    reasons: state.reasons.map((reason) => ({ label: `launch.approvalReason.${reason}`, threshold: state.threshold })),
    approved: state.approvedBy !== null,
    missing: state.reasons.length > 0 && state.approvedBy === null,
    approvedByName: approver?.decidedByName,
    approvedAt: state.approvedAt,
    approvedBy: state.approvedBy,
    decisions: state.decisions.map((d) => ({ ...d, label: `launch.decision.${d.decision}` })),
  };
}

/**
 * The plan rows as the form draws them, each with the template options it offers: templates of
 * the campaign's purpose with a variant for the row's channel. One already chosen is kept in the
 * list (disabled would drop it silently) so the server can name what is wrong with it.
 */
export function planRows(
  steps: { channel: string; template?: string; afterHours?: number; when?: string }[],
  purpose: string,
  templates: { key: string; purpose: string; channels: string[] }[],
) {
  return steps.map((step) => ({
    ...step,
    options: templates.map((template) => {
      const offered = template.purpose === purpose && template.channels.includes(step.channel);
      const selected = template.key === step.template;
      return { ...template, purposeLabel: label('purpose', template.purpose), offered: offered || selected, selected };
    }),
  }));
}
