import { Injectable } from '@nestjs/common';
import { SegmentsService } from '../segments/segments.service';
import { Campaign } from './campaign.entity';
import { AudienceCondition } from './run-materialiser';

/** A campaign's audience as a condition over `customers c`: its segment now, or its uploaded list. */
@Injectable()
export class CampaignAudience {
  constructor(private readonly segments: SegmentsService) {}

  async condition(campaign: Pick<Campaign, 'segmentId' | 'audienceRefs'>, now: Date, firstParam = 1): Promise<AudienceCondition> {
    if (campaign.segmentId) return this.segments.audienceCondition(campaign.segmentId, now, firstParam);
    return { where: `c.external_ref = ANY($${firstParam}::text[])`, params: [campaign.audienceRefs] };
  }
}
