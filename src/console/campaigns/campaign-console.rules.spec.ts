import { FunnelStep } from '../../campaigns/campaign-results';
import { ValidationFailedError } from '../../common/domain-error';
import {
  campaignActions,
  campaignFromForm,
  defaultSchedule,
  funnelChart,
  funnelTable,
  isLive,
  ruleFromText,
  variableFacts,
  variableRows,
  variablesFromForm,
} from './campaign-console.rules';
import { CampaignForm } from './campaign.form';

const step = (overrides: Partial<FunnelStep>): FunnelStep => ({
  step: 0,
  channel: 'sms',
  targeted: 0,
  waiting: 0,
  deferred: 0,
  suppressed: 0,
  skipped: 0,
  expired: 0,
  cancelled: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  unknown: 0,
  answered: 0,
  replied: 0,
  ...overrides,
});

const form = (overrides: Partial<CampaignForm> = {}): CampaignForm =>
  Object.assign(new CampaignForm(), {
    name: 'November',
    purpose: 'service',
    segmentId: '5b0c7c2e-1d1f-4a53-9d6e-2f3a4b5c6d7e',
    steps: [
      { channel: 'sms', template: 'repayment-reminder-before-due' },
      { channel: 'email' },
      { channel: 'call', template: 'collections-early', afterHours: 24, when: 'not_delivered' },
    ],
    startsAt: '2026-11-23T09:00',
    endsAt: '2026-11-30T18:00',
    zone: 'Asia/Shanghai',
    ...overrides,
  });

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    return (error as ValidationFailedError).details.map((d) => d.field);
  }
  return [];
}

describe('campaign console rules', () => {
  it('reads the rule text as JSON, naming the field when it is not', () => {
    expect(ruleFromText('{"all": []}')).toEqual({ all: [] });
    expect(problemsOf(() => ruleFromText('{"all": ['))).toEqual(['rule']);
  });

  it('offers exactly the lifecycle transitions of each status', () => {
    expect(campaignActions('draft')).toEqual(['launch', 'cancel']);
    expect(campaignActions('running')).toEqual(['pause', 'cancel']);
    expect(campaignActions('paused')).toEqual(['resume', 'cancel']);
    expect(campaignActions('completed')).toEqual([]);
    expect(campaignActions('cancelled')).toEqual([]);
    expect(['draft', 'scheduled', 'running', 'paused', 'completed'].filter((s) => isLive(s as never))).toEqual([
      'scheduled',
      'running',
    ]);
  });

  it('scales the funnel to the targeted count, summed over steps', () => {
    const chart = funnelChart({
      steps: [step({ step: 0, targeted: 4, sent: 4, delivered: 2 }), step({ step: 1, channel: 'email', targeted: 4, sent: 2 })],
    });
    const bar = (stage: string) => chart.bars.find((b) => b.stage === stage)!;
    expect(bar('targeted')).toMatchObject({ value: 8, width: 390, label: 'campaigns.funnel.targeted', percent: '100.0 %' });
    expect(bar('sent')).toMatchObject({ value: 6, width: 293, percent: '75.0 %' });
    expect(bar('delivered').percent).toBe('25.0 %');
    expect(bar('delivered').width).toBeLessThan(bar('sent').width);
    expect(bar('replied')).toMatchObject({ value: 0, width: 0 });
    expect(new Set(chart.bars.map((b) => b.y)).size).toBe(chart.bars.length);
  });

  it('draws an empty funnel with zero-width bars, not NaN', () => {
    const chart = funnelChart({ steps: [] });
    expect(chart.bars.every((b) => b.width === 0 && b.value === 0 && b.percent === '—')).toBe(true);
  });

  it('tables every funnel count per step', () => {
    const table = funnelTable({ steps: [step({ step: 0, targeted: 3, sent: 2, replied: 1 })] });
    expect(table.columns.map((c) => c.value)).toEqual([
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
    ]);
    expect(table.rows).toEqual([
      { step: 1, channelLabel: 'campaigns.channel.sms', counts: [3, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1] },
    ]);
  });

  it('turns the form into the API’s campaign: used rows only, times read in the zone', () => {
    expect(campaignFromForm(form())).toEqual({
      name: 'November',
      purpose: 'service',
      audience: { segmentId: '5b0c7c2e-1d1f-4a53-9d6e-2f3a4b5c6d7e' },
      plan: [
        { channel: 'sms', template: 'repayment-reminder-before-due' },
        { channel: 'call', template: 'collections-early', afterHours: 24, when: 'not_delivered' },
      ],
      startsAt: '2026-11-23T01:00:00Z',
      endsAt: '2026-11-30T10:00:00Z',
    });
    const recurring = campaignFromForm(
      form({ zone: 'America/New_York', cron: '0 9 * * 1-5', priority: 5, sendRatePerSecond: 20 }),
    );
    expect(recurring).toMatchObject({
      startsAt: '2026-11-23T14:00:00Z',
      recurrence: { cron: '0 9 * * 1-5', zone: 'America/New_York' },
      priority: 5,
      sendRatePerSecond: 20,
    });
  });

  it('gives a later step "always after 0 hours" unless the form says otherwise', () => {
    const plan = campaignFromForm(
      form({
        steps: [
          { channel: 'sms', template: 'a' },
          { channel: 'email', template: 'b' },
        ],
      }),
    ).plan;
    expect(plan[1]).toEqual({ channel: 'email', template: 'b', afterHours: 0, when: 'always' });
  });

  it('names the fields it cannot read', () => {
    expect(problemsOf(() => campaignFromForm(form({ zone: 'Mars/Olympus' })))).toEqual(['zone', 'startsAt', 'endsAt']);
    expect(problemsOf(() => campaignFromForm(form({ steps: [{ channel: 'sms' }] })))).toEqual(['steps.0.template']);
    expect(problemsOf(() => campaignFromForm(form({ startsAt: '2026-02-30T09:00' })))).toEqual(['startsAt']);
  });

  it('types the message values of the fields the chosen templates use; an empty input is not given', () => {
    const raw = {
      link: { url: ' https://card.example.cn/activate ' },
      product: { name: '' },
      offer: {
        instalments: '6',
        instalmentAmount: { amount: '21000', currency: 'cny' },
        respondBy: '2026-12-12',
        deferUntil: '',
      },
    };
    expect(variablesFromForm(raw, ['link.url', 'offer.instalments', 'offer.instalmentAmount', 'offer.deferUntil'])).toEqual({
      link: { url: 'https://card.example.cn/activate' },
      offer: { instalments: 6, instalmentAmount: { amount: 21000, currency: 'CNY' } },
    });
    // What does not read as its kind goes on as typed, for the campaign's rules to name.
    expect(
      variablesFromForm({ offer: { instalments: 'six', instalmentAmount: { amount: '210.50' } } }, [
        'offer.instalments',
        'offer.instalmentAmount',
      ]),
    ).toEqual({
      offer: { instalments: 'six', instalmentAmount: { amount: '210.50', currency: undefined } },
    });
    const chosen = campaignFromForm(form({ variables: raw }), ['link.url']);
    expect(chosen.variables).toEqual({ link: { url: 'https://card.example.cn/activate' } });
    expect(campaignFromForm(form({ variables: raw }))).not.toHaveProperty('variables');
  });

  it('offers an input for every value a campaign may give, showing those the chosen templates use', () => {
    const rows = variableRows([{ path: 'link.url', spec: {} as never, required: true, usedBy: ['card-activation (email)'] }], {
      link: { url: 'https://x.example' },
      offer: { instalmentAmount: { amount: '100', currency: 'CNY' } },
    });
    expect(rows.map((r) => [r.path, r.shown, r.required])).toEqual([
      ['offer.instalments', false, false],
      ['offer.instalmentAmount', false, false],
      ['offer.deferUntil', false, false],
      ['offer.respondBy', false, false],
      ['product.name', false, false],
      ['link.url', true, true],
    ]);
    const link = rows.find((r) => r.path === 'link.url')!;
    expect(link).toMatchObject({ label: 'campaigns.variable.link.url', usedBy: ['card-activation (email)'] });
    expect(link.inputs).toEqual([
      { name: 'variables[link][url]', type: 'url', label: 'campaigns.variable.link.url', value: 'https://x.example' },
    ]);
    expect(rows.find((r) => r.path === 'offer.instalmentAmount')!.inputs.map((i) => [i.name, i.value])).toEqual([
      ['variables[offer][instalmentAmount][amount]', '100'],
      ['variables[offer][instalmentAmount][currency]', 'CNY'],
    ]);
    expect(rows.find((r) => r.path === 'offer.respondBy')!.inputs[0].type).toBe('date');
  });

  it('lists a campaign’s values with their labels, an amount with its currency', () => {
    expect(
      variableFacts({ link: { url: 'https://x.example' }, offer: { instalmentAmount: { amount: 21000, currency: 'CNY' } } }),
    ).toEqual([
      {
        path: 'offer.instalmentAmount',
        label: 'campaigns.variable.offer.instalmentAmount',
        money: { amount: 21000, currency: 'CNY' },
      },
      { path: 'link.url', label: 'campaigns.variable.link.url', value: 'https://x.example' },
    ]);
  });

  it('schedules a new campaign from this minute for a week, in wall-clock time of the zone', () => {
    expect(defaultSchedule(new Date('2026-11-23T02:00:42Z'), 'Asia/Shanghai')).toEqual({
      startsAt: '2026-11-23T10:00',
      endsAt: '2026-11-30T10:00',
    });
  });
});
