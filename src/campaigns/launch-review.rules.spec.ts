import { REACHABILITY_BUCKETS } from '../compliance/reachability.service';
import { approvalReasons, assertApproved, assertNotAuthor, launchCost, reachSummary } from './launch-review.rules';

const PRICES = { smsSegment: 5, call: 30, email: 1, currency: 'CNY' };

describe('approvalReasons', () => {
  it('asks for a second manager on every marketing campaign and above the threshold, never at it', () => {
    expect(approvalReasons('marketing', 1, 1000)).toEqual(['MARKETING']);
    expect(approvalReasons('collections', 1000, 1000)).toEqual([]);
    expect(approvalReasons('collections', 1001, 1000)).toEqual(['AUDIENCE_ABOVE_THRESHOLD']);
    expect(approvalReasons('marketing', 1001, 1000)).toEqual(['MARKETING', 'AUDIENCE_ABOVE_THRESHOLD']);
  });

  it('refuses a launch without the approval it needs, naming why; an approval or no need lets it pass', () => {
    expect(() => assertApproved(['MARKETING', 'AUDIENCE_ABOVE_THRESHOLD'], null, 1500, 1000)).toThrow(
      expect.objectContaining({
        code: 'CAMPAIGN_APPROVAL_REQUIRED',
        details: [{ field: 'approval', reason: 'it is a marketing campaign; its audience of 1500 is above 1000' }],
      }),
    );
    expect(() => assertApproved(['MARKETING'], 'someone-else', 10, 1000)).not.toThrow();
    expect(() => assertApproved([], null, 10, 1000)).not.toThrow();
  });

  it('refuses the author as their own second pair of eyes', () => {
    expect(() => assertNotAuthor('u-1', 'u-1')).toThrow(
      expect.objectContaining({ code: 'CAMPAIGN_APPROVER_IS_AUTHOR', status: 403 }),
    );
    expect(() => assertNotAuthor('u-1', 'u-2')).not.toThrow();
  });
});

describe('reachSummary', () => {
  it('adds every bucket into exactly one of now, later and blocked', () => {
    const channel = Object.fromEntries(REACHABILITY_BUCKETS.map((bucket, i) => [bucket, i + 1])) as Parameters<
      typeof reachSummary
    >[0];
    const summary = reachSummary(channel);
    const total = REACHABILITY_BUCKETS.reduce((sum, bucket) => sum + channel[bucket], 0);
    expect(summary.now + summary.later + summary.blocked).toBe(total);
    expect(summary.now).toBe(channel.reachableNow);
    expect(summary.later).toBe(channel.laterToday + channel.notToday + channel.muted);
    expect(summary.blockedBy.map((b) => b.bucket)).toEqual([
      'blockedByCap',
      'blockedByConsent',
      'blockedByOptOut',
      'blockedByList',
      'noAddress',
    ]);
  });
});

describe('launchCost', () => {
  it('prices SMS per segment, calls and e-mails per contact, in minor units', () => {
    const cost = launchCost(
      [
        { channel: 'sms', contacts: 1000, smsSegments: 2 },
        { channel: 'call', contacts: 10, smsSegments: 0 },
        { channel: 'email', contacts: 900, smsSegments: 0 },
      ],
      PRICES,
    );
    expect(cost.lines.map((line) => line.cost)).toEqual([10_000, 300, 900]);
    expect(cost).toMatchObject({ total: 11_200, currency: 'CNY' });
  });

  it('counts an SMS as at least one segment', () => {
    expect(launchCost([{ channel: 'sms', contacts: 3, smsSegments: 0 }], PRICES).total).toBe(15);
  });
});
