import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { ChannelReachability, REACHABILITY_BUCKETS, ReachabilityBucket } from '../compliance/reachability.service';
import { ContactChannel } from '../dispatch/contact-task.entity';
import { CampaignPurpose } from './campaign.entity';
import { CampaignsConfig } from './campaigns.config';

/** Why a campaign needs a second manager's approval before it may launch. */
export const APPROVAL_REASONS = ['MARKETING', 'AUDIENCE_ABOVE_THRESHOLD'] as const;
export type ApprovalReason = (typeof APPROVAL_REASONS)[number];

/**
 * Four eyes: every marketing campaign (consent is the risk), and any campaign whose audience is
 * larger than the centre's threshold (size is the risk); none, and a campaign launches on its
 * author's word.
 */
export function approvalReasons(purpose: CampaignPurpose, audience: number, above: number): ApprovalReason[] {
  return [
    ...(purpose === 'marketing' ? (['MARKETING'] as const) : []),
    ...(audience > above ? (['AUDIENCE_ABOVE_THRESHOLD'] as const) : []),
  ];
}

/** Refuses (403) a decision on one's own campaign: the second pair of eyes must be someone else's. */
export function assertNotAuthor(createdBy: string | null, deciderId: string): void {
  if (createdBy !== null && createdBy === deciderId) {
    throw new DomainError(
      'CAMPAIGN_APPROVER_IS_AUTHOR',
      'a campaign is approved or rejected by a manager other than its author',
      HttpStatus.FORBIDDEN,
      [{ field: 'approver', reason: 'is the campaign’s author' }],
    );
  }
}

/** Refuses (409) the launch of a campaign that needs approval and has none. */
export function assertApproved(reasons: ApprovalReason[], approvedBy: string | null, audience: number, above: number): void {
  if (!reasons.length || approvedBy) return;
  const why = reasons.map((reason) =>
    reason === 'MARKETING' ? 'it is a marketing campaign' : `its audience of ${audience} is above ${above}`,
  );
  throw new DomainError(
    'CAMPAIGN_APPROVAL_REQUIRED',
    `a second campaign manager must approve it first: ${why.join(' and ')}`,
    HttpStatus.CONFLICT,
    [{ field: 'approval', reason: why.join('; ') }],
  );
}

/** The buckets whose customers no step can reach while they stay there. */
const BLOCKED: readonly ReachabilityBucket[] = [
  'blockedByCap',
  'blockedByConsent',
  'blockedByOptOut',
  'blockedByList',
  'noAddress',
];

/** A channel's audience as the launch step shows it: reachable now, later (today, another day, after a mute), blocked. */
export function reachSummary(channel: ChannelReachability) {
  const sum = (buckets: readonly ReachabilityBucket[]) => buckets.reduce((total, bucket) => total + channel[bucket], 0);
  const later = REACHABILITY_BUCKETS.filter((bucket) => bucket !== 'reachableNow' && !BLOCKED.includes(bucket));
  return {
    now: channel.reachableNow,
    later: sum(later),
    blocked: sum(BLOCKED),
    blockedBy: BLOCKED.filter((bucket) => channel[bucket] > 0).map((bucket) => ({ bucket, count: channel[bucket] })),
  };
}

export interface CostLine {
  step: number;
  channel: ContactChannel;
  /** At most this many contacts: everyone the step's channel can reach, now or later. */
  contacts: number;
  /** SMS: the most segments any language's message takes; 1 for a call or an e-mail. */
  units: number;
  unitPrice: number;
  /** Minor units of the configured currency. */
  cost: number;
}

/**
 * The most a campaign can cost: each step sent to everyone its channel can reach (a step that waits
 * for no reply may send to fewer), SMS counted in segments at the per-segment price.
 */
export function launchCost(
  steps: { channel: ContactChannel; contacts: number; smsSegments: number }[],
  prices: CampaignsConfig['unitPrices'],
): { lines: CostLine[]; total: number; currency: string } {
  const lines = steps.map(({ channel, contacts, smsSegments }, i) => {
    const units = channel === 'sms' ? Math.max(1, smsSegments) : 1;
    const unitPrice = channel === 'sms' ? prices.smsSegment : channel === 'call' ? prices.call : prices.email;
    return { step: i + 1, channel, contacts, units, unitPrice, cost: contacts * units * unitPrice };
  });
  return { lines, total: lines.reduce((sum, line) => sum + line.cost, 0), currency: prices.currency };
}
