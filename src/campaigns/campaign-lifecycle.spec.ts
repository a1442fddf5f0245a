import { CAMPAIGN_STATUSES, CampaignAction, nextStatus } from './campaign-lifecycle';

describe('campaign lifecycle', () => {
  it.each<[string, CampaignAction, string]>([
    ['draft', 'launch', 'scheduled'],
    ['scheduled', 'start', 'running'],
    ['running', 'pause', 'paused'],
    ['paused', 'resume', 'running'],
    ['running', 'complete', 'completed'],
    ['paused', 'cancel', 'cancelled'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(nextStatus(from as never, action)).toBe(to);
  });

  it('never leaves a final state', () => {
    for (const action of ['launch', 'start', 'pause', 'resume', 'complete', 'cancel'] as CampaignAction[]) {
      for (const final of ['completed', 'cancelled'] as const) {
        expect(() => nextStatus(final, action)).toThrow(expect.objectContaining({ code: 'CAMPAIGN_BAD_TRANSITION' }));
      }
    }
  });

  it('cannot launch twice or resume what is not paused', () => {
    expect(() => nextStatus('scheduled', 'launch')).toThrow(/cannot launch/);
    expect(() => nextStatus('running', 'resume')).toThrow(/cannot resume/);
    expect(CAMPAIGN_STATUSES).toHaveLength(6);
  });
});
