import { campaignShapeProblems } from './campaign-shape.rules';
import { CreateCampaignDto } from './dto/create-campaign.dto';

const valid = (): CreateCampaignDto => ({
  name: 'n',
  purpose: 'service',
  audience: { segmentId: '5b0c7c2e-1d1f-4a53-9d6e-2f3a4b5c6d7e' },
  plan: [
    { channel: 'sms', template: 'repayment-reminder' },
    { channel: 'call', template: 'repayment-reminder', afterHours: 2, when: 'no_reply_and_not_delivered' },
  ],
  startsAt: '2026-11-22T01:00:00Z',
  endsAt: '2026-11-29T14:00:00Z',
});

describe('campaignShapeProblems', () => {
  it('accepts a well-formed campaign', () => {
    expect(campaignShapeProblems(valid())).toEqual([]);
  });

  it('needs exactly one audience', () => {
    const both = { ...valid(), audience: { segmentId: valid().audience.segmentId, customerRefs: ['C1'] } };
    expect(campaignShapeProblems(both)).toEqual([{ field: 'audience', reason: expect.stringContaining('exactly one') }]);
    expect(campaignShapeProblems({ ...valid(), audience: {} })).toHaveLength(1);
  });

  it('needs the end after the start', () => {
    expect(campaignShapeProblems({ ...valid(), endsAt: valid().startsAt })).toEqual([
      { field: 'endsAt', reason: 'must be after startsAt' },
    ]);
  });

  it('starts the first step with the run and delays the later ones', () => {
    const plan = [
      { channel: 'sms' as const, template: 'a', afterHours: 1 },
      { channel: 'email' as const, template: 'b' },
    ];
    expect(campaignShapeProblems({ ...valid(), plan }).map((p) => p.field)).toEqual(['plan.0', 'plan.1.afterHours']);
  });

  it('checks the recurrence cron and zone', () => {
    const problems = campaignShapeProblems({ ...valid(), recurrence: { cron: '61 9 * * *', zone: 'Mars/Olympus' } });
    expect(problems.map((p) => p.field)).toEqual(['recurrence.cron', 'recurrence.zone']);
  });
});
