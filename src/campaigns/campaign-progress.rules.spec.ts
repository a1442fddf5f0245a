import { campaignProgress, percentOf } from './campaign-progress.rules';
import { FunnelStep } from './campaign-results';

const step = (counts: Partial<FunnelStep>): FunnelStep => ({
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
  ...counts,
});

describe('campaignProgress', () => {
  it('counts as settled all that no longer waits, over every step, and times the waiting at the pace', () => {
    const progress = campaignProgress(
      [
        step({ targeted: 1000, waiting: 300, deferred: 100, sent: 550, suppressed: 50 }),
        step({ step: 1, channel: 'email', targeted: 200, waiting: 200 }),
      ],
      10,
    );
    expect(progress).toEqual({ total: 1200, settled: 600, percent: 50, waiting: 500, deferred: 100, etaSeconds: 50 });
  });

  it('has no ETA unpaced or with nothing waiting, and never shows 100 % while a task waits', () => {
    expect(campaignProgress([step({ targeted: 1000, waiting: 1 })], null)).toMatchObject({ percent: 99, etaSeconds: null });
    expect(campaignProgress([step({ targeted: 3, sent: 3 })], 5)).toMatchObject({ percent: 100, etaSeconds: null });
    expect(campaignProgress([], 5)).toMatchObject({ total: 0, percent: 0 });
  });
});

describe('percentOf', () => {
  it('reads one decimal, and no whole as a dash', () => {
    expect(percentOf(1, 3)).toBe('33.3 %');
    expect(percentOf(3, 3)).toBe('100.0 %');
    expect(percentOf(0, 0)).toBe('—');
  });
});
