import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { campaignFields, fieldSpec } from '../templates/template-fields.catalogue';
import type { TemplateForChannel } from '../templates/templates.service';
import { PlanStep } from './campaign.entity';
import {
  campaignCurrency,
  campaignTemplateProblems,
  CampaignTemplateError,
  messageVariables,
  neededFields,
  PlannedStep,
} from './campaign-variables.rules';
import { CampaignVariablesDto } from './dto/campaign-variables.dto';

/** A template as TemplatesService describes it for a channel: these message fields in both locales. */
function template(purpose: TemplateForChannel['purpose'], required: string[], optional: string[] = []): TemplateForChannel {
  const messageFields = [
    ...required.map((path) => ({ path, spec: fieldSpec(path)!, required: true })),
    ...optional.map((path) => ({ path, spec: fieldSpec(path)!, required: false })),
  ];
  return {
    purpose,
    variants: [
      { locale: 'en', version: 'aaaaaaaaaaaa', messageFields },
      { locale: 'zh-CN', version: 'bbbbbbbbbbbb', messageFields },
    ],
  };
}

const step = (template: string, channel: PlanStep['channel'] = 'email') => ({ template, channel });
const ACTIVATION_EMAIL: PlannedStep = { step: step('card-activation'), template: template('marketing', ['link.url']) };
const ACTIVATION_SMS: PlannedStep = { step: step('card-activation', 'sms'), template: template('marketing', []) };
const OFFER: PlannedStep = {
  step: step('collections-later-offer', 'sms'),
  template: template('collections', ['offer.instalments', 'offer.instalmentAmount', 'offer.respondBy'], ['offer.deferUntil']),
};
const CNY_OFFER = { offer: { instalments: 6, instalmentAmount: { amount: 21000, currency: 'CNY' }, respondBy: '2026-12-12' } };

const codesAndFields = (problems: { code: string; field: string }[]) => problems.map((p) => `${p.code} ${p.field}`);

describe('campaign message values against the plan’s templates', () => {
  it('accepts exactly what the templates need', () => {
    expect(
      campaignTemplateProblems('marketing', [ACTIVATION_EMAIL, ACTIVATION_SMS], { link: { url: 'https://card.example.cn/a' } }),
    ).toEqual([]);
    expect(campaignTemplateProblems('collections', [OFFER], CNY_OFFER)).toEqual([]);
    expect(campaignTemplateProblems('marketing', [ACTIVATION_SMS], {})).toEqual([]);
  });

  it('names a missing value and the templates that need it', () => {
    expect(campaignTemplateProblems('marketing', [ACTIVATION_EMAIL, ACTIVATION_SMS], {})).toEqual([
      { code: 'CAMPAIGN_VARIABLE_MISSING', field: 'variables.link.url', reason: 'is required by card-activation (email)' },
    ]);
    const { offer } = CNY_OFFER;
    const { respondBy: _respondBy, ...withoutDeadline } = offer;
    expect(codesAndFields(campaignTemplateProblems('collections', [OFFER], { offer: withoutDeadline }))).toEqual([
      'CAMPAIGN_VARIABLE_MISSING variables.offer.respondBy',
    ]);
  });

  it('lets an optional value be left out, and checks it when given', () => {
    const deferred = { offer: { ...CNY_OFFER.offer, deferUntil: '2027-02-30' } };
    expect(campaignTemplateProblems('collections', [OFFER], deferred)).toEqual([
      {
        code: 'CAMPAIGN_VARIABLE_INVALID',
        field: 'variables.offer.deferUntil',
        reason: 'must be a date YYYY-MM-DD',
      },
    ]);
  });

  it.each([
    ['link', 'url', 'javascript:alert(1)', 'must be an absolute http(s) URL'],
    ['link', 'url', 'card.example.cn/activate', 'must be an absolute http(s) URL'],
    ['offer', 'instalments', 0, 'must be 1 or more'],
    ['offer', 'instalments', '6', 'must be a whole number'],
    ['offer', 'instalmentAmount', 21000, 'must be { amount, currency }: minor units and an ISO 4217 code'],
    ['offer', 'instalmentAmount', { amount: 210.5, currency: 'CNY' }, 'amount must be a whole number of minor units'],
    ['offer', 'instalmentAmount', { amount: -1, currency: 'CNY' }, 'amount must not be negative'],
    ['offer', 'instalmentAmount', { amount: 21000, currency: 'rmb' }, 'currency must be an ISO 4217 currency code'],
    ['offer', 'respondBy', '12/12/2026', 'must be a date YYYY-MM-DD'],
    ['product', 'name', '  ', 'must be a text'],
    ['product', 'name', 'x'.repeat(201), 'must be at most 200 characters'],
  ])('refuses %s.%s = %j: %s', (group, name, value, reason) => {
    const plan: PlannedStep[] = [
      ACTIVATION_EMAIL,
      OFFER,
      { step: step('new-card-offer'), template: template('marketing', ['product.name', 'link.url']) },
    ];
    const variables = {
      link: { url: 'https://card.example.cn/a' },
      product: { name: 'Platinum Card' },
      ...structuredClone(CNY_OFFER),
    } as Record<string, Record<string, unknown>>;
    variables[group][name] = value;
    // Purposes differ on purpose here: only the values are under test, so the purpose check is met per template.
    const problems = campaignTemplateProblems(
      'marketing',
      plan.map((p) => ({ ...p, template: { ...p.template!, purpose: 'marketing' } })),
      variables,
    );
    expect(problems).toEqual([{ code: 'CAMPAIGN_VARIABLE_INVALID', field: `variables.${group}.${name}`, reason }]);
  });

  it('refuses a value no template of the plan uses, and what a campaign can never give', () => {
    const problems = campaignTemplateProblems('marketing', [ACTIVATION_EMAIL], {
      link: { url: 'https://card.example.cn/a' },
      product: { name: 'Platinum Card' },
      txn: { amount: 100 },
      colour: 'red' as never,
    });
    expect(codesAndFields(problems)).toEqual([
      'CAMPAIGN_VARIABLE_UNKNOWN variables.txn.amount',
      'CAMPAIGN_VARIABLE_UNKNOWN variables.colour',
      'CAMPAIGN_VARIABLE_UNUSED variables.product.name',
    ]);
    expect(problems[0].reason).toBe('belongs to one event and comes from its flow, never a campaign');
  });

  it('refuses templates the campaign cannot send, before looking at values', () => {
    const plan: PlannedStep[] = [
      { step: step('nope'), template: undefined },
      { step: step('repayment-reminder-before-due'), template: template('service', []) },
      { step: step('card-activation', 'call'), template: { purpose: 'marketing', variants: [] } },
      {
        step: step('fraud-verification', 'sms'),
        template: template('marketing', ['txn.amount', 'txn.reference']),
      },
    ];
    expect(campaignTemplateProblems('marketing', plan, {})).toEqual([
      { code: 'CAMPAIGN_TEMPLATE_UNKNOWN', field: 'plan.0.template', reason: 'nope is not a template' },
      { code: 'CAMPAIGN_TEMPLATE_PURPOSE', field: 'plan.1.template', reason: 'is a service template' },
      { code: 'CAMPAIGN_TEMPLATE_CHANNEL', field: 'plan.2.template', reason: 'has no voice variant' },
      {
        code: 'CAMPAIGN_TEMPLATE_EVENT_FIELD',
        field: 'plan.3.template',
        reason: 'needs txn.amount, txn.reference, which only the event behind a flow gives, never a campaign',
      },
    ]);
  });

  it('keeps a campaign’s amounts in one currency', () => {
    const plan: PlannedStep[] = [
      OFFER,
      { step: step('other-offer', 'sms'), template: template('collections', ['offer.instalmentAmount']) },
    ];
    expect(campaignTemplateProblems('collections', plan, CNY_OFFER)).toEqual([]);
    expect(campaignCurrency(CNY_OFFER)).toBe('CNY');
    expect(campaignCurrency({ link: { url: 'https://x.example' } })).toBeUndefined();
  });

  it('is one 422 coded by its first problem, each problem with its own code', () => {
    const error = new CampaignTemplateError(campaignTemplateProblems('marketing', [ACTIVATION_EMAIL], {}));
    expect(error).toMatchObject({ status: 422, code: 'CAMPAIGN_VARIABLE_MISSING' });
    expect(error.message).toBe('variables.link.url is required by card-activation (email)');
  });

  it('lists the fields a plan needs once, with every template using them', () => {
    const again: PlannedStep = { ...ACTIVATION_EMAIL, step: step('card-activation') };
    expect(neededFields([ACTIVATION_EMAIL, ACTIVATION_SMS, again, OFFER]).map((f) => [f.path, f.required, f.usedBy])).toEqual([
      ['link.url', true, ['card-activation (email)']],
      ['offer.instalments', true, ['collections-later-offer (sms)']],
      ['offer.instalmentAmount', true, ['collections-later-offer (sms)']],
      ['offer.respondBy', true, ['collections-later-offer (sms)']],
      ['offer.deferUntil', false, ['collections-later-offer (sms)']],
    ]);
  });

  it('hands tasks the values as templates read them: an amount as its minor units', () => {
    expect(messageVariables({ ...CNY_OFFER, link: { url: 'https://x.example' } })).toEqual({
      offer: { instalments: 6, instalmentAmount: 21000, respondBy: '2026-12-12' },
      link: { url: 'https://x.example' },
    });
  });
});

describe('CampaignVariablesDto', () => {
  const SAMPLES: Record<string, unknown> = {
    url: 'https://card.example.cn/activate',
    string: 'Platinum Card',
    integer: 6,
    money: { amount: 21000, currency: 'CNY' },
    date: '2026-12-12',
  };

  it('takes every field a campaign may give, typed as the template field catalogue says', () => {
    const all: Record<string, Record<string, unknown>> = {};
    for (const spec of campaignFields()) {
      const [group, name] = spec.path.split('.');
      (all[group] ??= {})[name] = SAMPLES[spec.kind];
    }
    const dto = plainToInstance(CampaignVariablesDto, all);
    expect(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true })).toEqual([]);
    expect(campaignFields().map((spec) => spec.path)).toEqual([
      'offer.instalments',
      'offer.instalmentAmount',
      'offer.deferUntil',
      'offer.respondBy',
      'product.name',
      'link.url',
    ]);
  });

  it('refuses a value of another kind, and what is not a campaign field, naming it', () => {
    const errors = validateSync(
      plainToInstance(CampaignVariablesDto, {
        link: { url: 'javascript:alert(1)' },
        offer: { instalmentAmount: { amount: 1.5, currency: 'CNY' } },
        txn: { amount: 1 },
      }),
      { whitelist: true, forbidNonWhitelisted: true },
    );
    expect(errors.map((e) => e.property).sort()).toEqual(['link', 'offer', 'txn']);
  });
});
