import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error';

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type CampaignAction = 'launch' | 'start' | 'pause' | 'resume' | 'complete' | 'cancel';

const TRANSITIONS: Record<CampaignAction, Partial<Record<CampaignStatus, CampaignStatus>>> = {
  launch: { draft: 'scheduled' },
  start: { scheduled: 'running' },
  pause: { running: 'paused', scheduled: 'paused' },
  resume: { paused: 'running' },
  complete: { running: 'completed' },
  cancel: { draft: 'cancelled', scheduled: 'cancelled', running: 'cancelled', paused: 'cancelled' },
};

/** The campaign lifecycle: draft → scheduled → running ⇄ paused → completed, or cancelled from any open state. */
export function nextStatus(current: CampaignStatus, action: CampaignAction): CampaignStatus {
  const next = TRANSITIONS[action][current];
  if (!next) {
    throw new DomainError('CAMPAIGN_BAD_TRANSITION', `a ${current} campaign cannot ${action}`, HttpStatus.CONFLICT, [
      { field: 'status', reason: `is ${current}` },
    ]);
  }
  return next;
}
