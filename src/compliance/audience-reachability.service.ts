import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/domain-error';
import { compileSegmentRule } from '../segments/segment-rule.compiler';
import { SegmentsService } from '../segments/segments.service';
import { Purpose } from './policy.types';
import { Reachability, ReachabilityService } from './reachability.service';

/** Reachability of a segment: a saved one, or a rule being edited (the campaign builder's live preview). */
@Injectable()
export class AudienceReachabilityService {
  constructor(
    private readonly segments: SegmentsService,
    private readonly reachability: ReachabilityService,
    private readonly clock: Clock,
  ) {}

  async now(audience: { segmentId?: string; rule?: unknown }, purpose: Purpose): Promise<Reachability> {
    if (audience.segmentId !== undefined && audience.rule !== undefined) {
      throw new ValidationFailedError([{ field: 'rule', reason: 'give segmentId or rule, not both' }]);
    }
    const now = this.clock.now();
    const { where, params } = audience.segmentId
      ? await this.segments.audienceCondition(audience.segmentId, now)
      : compileSegmentRule(audience.rule, { now });
    return this.reachability.reachability(where, params, purpose, now);
  }
}
