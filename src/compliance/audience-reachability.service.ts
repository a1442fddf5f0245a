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
    return this.at(audience, purpose);
  }

  /**
   * At an instant: the audience's day counts at it; in the past, the history as it stood then
   * (see asOf); now when `requested` is absent.
   */
  async at(audience: { segmentId?: string; rule?: unknown }, purpose: Purpose, requested?: Date): Promise<Reachability> {
    if (audience.segmentId !== undefined && audience.rule !== undefined) {
      throw new ValidationFailedError([{ field: 'rule', reason: 'give segmentId or rule, not both' }]);
    }
    const now = this.clock.now();
    const at = requested ?? now;
    const { where, params } = audience.segmentId
      ? await this.segments.audienceCondition(audience.segmentId, at)
      : compileSegmentRule(audience.rule, { now: at });
    return this.reachability.reachability(where, params, purpose, at, now);
  }
}
