import { HttpStatus } from '@nestjs/common';
import { DomainError, FieldProblem } from '../common/domain-error';
import { TEMPLATE_CHANNEL } from '../dispatch/contact-task.entity';
import { FieldSpec, fieldSpec, kindProblem } from '../templates/template-fields.catalogue';
import { MessageVariables } from '../templates/template.model';
import type { TemplateForChannel } from '../templates/templates.service';
import { CampaignPurpose, CampaignVariables, PlanStep } from './campaign.entity';

/** Why a campaign's plan and values do not fit its templates, each problem with its field. */
export const CAMPAIGN_TEMPLATE_CODES = [
  /** No template has this key. */
  'CAMPAIGN_TEMPLATE_UNKNOWN',
  /** The template speaks for another purpose than the campaign's. */
  'CAMPAIGN_TEMPLATE_PURPOSE',
  /** The template has no variant for the step's channel. */
  'CAMPAIGN_TEMPLATE_CHANNEL',
  /** The template needs a value only an event gives (a transaction): a flow's template, not a campaign's. */
  'CAMPAIGN_TEMPLATE_EVENT_FIELD',
  /** A value a template of the plan needs is not given. */
  'CAMPAIGN_VARIABLE_MISSING',
  /** A value is not of its field's kind (a URL, text, money, a date …). */
  'CAMPAIGN_VARIABLE_INVALID',
  /** Not a message field a campaign can give. */
  'CAMPAIGN_VARIABLE_UNKNOWN',
  /** No template of the plan uses it: a value nobody would read is a mistake somewhere. */
  'CAMPAIGN_VARIABLE_UNUSED',
] as const;
export type CampaignTemplateCode = (typeof CAMPAIGN_TEMPLATE_CODES)[number];

export interface CampaignTemplateProblem extends FieldProblem {
  code: CampaignTemplateCode;
}

/** A step of the plan with its template as Herald holds it (undefined: no such template). */
export interface PlannedStep {
  step: Pick<PlanStep, 'channel' | 'template'>;
  template: TemplateForChannel | undefined;
}

/** A message field the plan's templates use, and which of them need it. */
export interface NeededField {
  path: string;
  spec: FieldSpec;
  /** Some variant cannot render without it (otherwise every one shows it only `{{#if}}` given). */
  required: boolean;
  /** `card-activation (email)`, once each. */
  usedBy: string[];
}

/** 422, coded by the first problem, every problem in the details (each with its own code). */
export class CampaignTemplateError extends DomainError {
  constructor(readonly problems: CampaignTemplateProblem[]) {
    super(problems[0].code, problems.map((p) => `${p.field} ${p.reason}`).join('; '), HttpStatus.UNPROCESSABLE_ENTITY, problems);
  }
}

/**
 * The campaign-suppliable message fields the plan's templates use, over every step and every
 * locale of each step's channel, in the order first met.
 */
export function neededFields(steps: PlannedStep[]): NeededField[] {
  const needed = new Map<string, NeededField>();
  for (const { step, template } of steps) {
    for (const variant of template?.variants ?? []) {
      for (const { path, spec, required } of variant.messageFields) {
        if (!spec.campaign) continue;
        const field = needed.get(path) ?? { path, spec, required: false, usedBy: [] };
        field.required ||= required;
        const user = `${step.template} (${TEMPLATE_CHANNEL[step.channel]})`;
        if (!field.usedBy.includes(user)) field.usedBy.push(user);
        needed.set(path, field);
      }
    }
  }
  return [...needed.values()];
}

/**
 * Whether the plan's templates can be sent by this campaign, and with these values: every
 * template exists, is for the campaign's purpose, has the step's channel and needs nothing only
 * an event gives; every value its templates need is given, of its field's kind; nothing else is
 * given. Pure: the templates come in as Herald holds them (current at creation, pinned at launch).
 */
export function campaignTemplateProblems(
  purpose: CampaignPurpose,
  steps: PlannedStep[],
  variables: CampaignVariables,
): CampaignTemplateProblem[] {
  const problems: CampaignTemplateProblem[] = [];
  steps.forEach(({ step, template }, i) => {
    const field = `plan.${i}.template`;
    const channel = TEMPLATE_CHANNEL[step.channel];
    if (!template) {
      problems.push({ code: 'CAMPAIGN_TEMPLATE_UNKNOWN', field, reason: `${step.template} is not a template` });
    } else if (template.purpose !== purpose) {
      problems.push({ code: 'CAMPAIGN_TEMPLATE_PURPOSE', field, reason: `is a ${template.purpose} template` });
    } else if (!template.variants.length) {
      problems.push({ code: 'CAMPAIGN_TEMPLATE_CHANNEL', field, reason: `has no ${channel} variant` });
    } else {
      const eventOnly = new Set(
        template.variants.flatMap((v) => v.messageFields.filter((f) => f.required && !f.spec.campaign).map((f) => f.path)),
      );
      if (eventOnly.size) {
        problems.push({
          code: 'CAMPAIGN_TEMPLATE_EVENT_FIELD',
          field,
          reason: `needs ${[...eventOnly].join(', ')}, which only the event behind a flow gives, never a campaign`,
        });
      }
    }
  });
  if (problems.length) return problems;

  const needed = new Map(neededFields(steps).map((f) => [f.path, f]));
  const given = givenValues(variables, problems);
  for (const field of needed.values()) {
    if (field.required && given.get(field.path) == null) {
      problems.push({
        code: 'CAMPAIGN_VARIABLE_MISSING',
        field: `variables.${field.path}`,
        reason: `is required by ${field.usedBy.join(', ')}`,
      });
    }
  }
  for (const [path, value] of given) {
    if (value == null) continue;
    const spec = needed.get(path)?.spec;
    if (!spec) {
      problems.push({
        code: 'CAMPAIGN_VARIABLE_UNUSED',
        field: `variables.${path}`,
        reason: 'is used by no template of the plan',
      });
      continue;
    }
    const problem = campaignValueProblem(spec, value);
    if (problem) problems.push({ code: 'CAMPAIGN_VARIABLE_INVALID', field: `variables.${path}`, reason: problem });
  }
  const currencies = new Set(moneyValues(variables).map((m) => m.currency));
  if (currencies.size > 1) {
    problems.push({
      code: 'CAMPAIGN_VARIABLE_INVALID',
      field: 'variables',
      reason: `amounts are in one currency, the one the audience holds (got ${[...currencies].join(', ')})`,
    });
  }
  return problems.sort((a, b) => CAMPAIGN_TEMPLATE_CODES.indexOf(a.code) - CAMPAIGN_TEMPLATE_CODES.indexOf(b.code));
}

/** The given values by path (`link.url` → …); what is not a campaign field is a problem, not a value. */
function givenValues(variables: CampaignVariables, problems: CampaignTemplateProblem[]): Map<string, unknown> {
  const given = new Map<string, unknown>();
  for (const [group, fields] of Object.entries(variables)) {
    if (!isPlainObject(fields)) {
      problems.push({
        code: 'CAMPAIGN_VARIABLE_UNKNOWN',
        field: `variables.${group}`,
        reason: 'is not a group of message values (link, product, offer)',
      });
      continue;
    }
    for (const [name, value] of Object.entries(fields)) {
      const path = `${group}.${name}`;
      const spec = fieldSpec(path);
      if (!spec?.campaign) {
        problems.push({
          code: 'CAMPAIGN_VARIABLE_UNKNOWN',
          field: `variables.${path}`,
          reason:
            spec?.source === 'message'
              ? 'belongs to one event and comes from its flow, never a campaign'
              : 'is not a message value a campaign gives',
        });
        continue;
      }
      given.set(path, value);
    }
  }
  return given;
}

const MAX_TEXT = 200;

/** Why a campaign's value does not fit its field, or undefined. Money is `{ amount, currency }`. */
export function campaignValueProblem(spec: FieldSpec, value: unknown): string | undefined {
  switch (spec.kind) {
    case 'money': {
      if (!isPlainObject(value) || Object.keys(value).some((key) => key !== 'amount' && key !== 'currency')) {
        return 'must be { amount, currency }: minor units and an ISO 4217 code';
      }
      const amount = kindProblem('money', value.amount);
      if (amount || (value.amount as number) < 0) return `amount ${amount ?? 'must not be negative'}`;
      const currency = kindProblem('currency', value.currency);
      return currency && `currency ${currency}`;
    }
    case 'string':
      if (typeof value !== 'string' || !value.trim()) return 'must be a text';
      return [...value].length > MAX_TEXT ? `must be at most ${MAX_TEXT} characters` : undefined;
    case 'integer':
      return kindProblem('integer', value) ?? ((value as number) < 1 ? 'must be 1 or more' : undefined);
    default:
      return kindProblem(spec.kind, value, spec.items);
  }
}

/** The amounts a campaign gives, with their currency: the audience must hold it. */
export function moneyValues(variables: CampaignVariables): { path: string; amount: number; currency: string }[] {
  return Object.entries(variables).flatMap(([group, fields]) =>
    isPlainObject(fields)
      ? Object.entries(fields).flatMap(([name, value]) =>
          fieldSpec(`${group}.${name}`)?.kind === 'money' && isPlainObject(value)
            ? [{ path: `${group}.${name}`, amount: value.amount as number, currency: value.currency as string }]
            : [],
        )
      : [],
  );
}

/** The one currency the campaign's amounts are in, if it gives any. */
export function campaignCurrency(variables: CampaignVariables): string | undefined {
  return moneyValues(variables)[0]?.currency;
}

/**
 * The values as a task carries them to the renderer: nested as templates name them, an amount as
 * its minor units (templates show it in the customer's currency, which launch held to the
 * campaign's).
 */
export function messageVariables(variables: CampaignVariables): MessageVariables {
  return Object.fromEntries(
    Object.entries(variables).map(([group, fields]) => [
      group,
      Object.fromEntries(
        Object.entries(fields).map(([name, value]) => [
          name,
          fieldSpec(`${group}.${name}`)?.kind === 'money' && isPlainObject(value) ? value.amount : value,
        ]),
      ),
    ]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
