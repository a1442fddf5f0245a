import { Injectable } from '@nestjs/common';
import { Page, PageQuery } from '../../common/pagination';
import { DomainError, ValidationFailedError } from '../../common/domain-error';
import { AudienceReachabilityService } from '../../compliance/audience-reachability.service';
import { Purpose } from '../../compliance/policy.types';
import { SegmentFieldDto } from '../../segments/dto/segment-field.dto';
import { Segment } from '../../segments/segment.entity';
import { SegmentsService } from '../../segments/segments.service';
import { label, reachabilityTable, ruleFromText } from './campaign-console.rules';
import { SegmentForm } from './segment.form';

/** What a rule selects now: the count, the risk breakdown, a masked sample, and who each channel reaches. */
export type SegmentCount = Awaited<ReturnType<SegmentWorkshopService['count']>>;

/** The segment editor's work: saved segments, and counting a rule as it is being written. */
@Injectable()
export class SegmentWorkshopService {
  constructor(
    private readonly segments: SegmentsService,
    private readonly reachability: AudienceReachabilityService,
  ) {}

  list(page: PageQuery): Promise<Page<Segment>> {
    return this.segments.list(page);
  }

  get(id: string): Promise<Segment> {
    return this.segments.get(id);
  }

  /** The fields the row builder offers, with their operators and values. */
  fields(): SegmentFieldDto[] {
    return this.segments.fields();
  }

  async count(ruleText: string, purpose: Purpose) {
    const rule = ruleFromText(ruleText);
    const [preview, reachability] = await Promise.all([this.segments.preview(rule), this.reachability.now({ rule }, purpose)]);
    return { ...preview, purposeLabel: label('purpose', purpose), reachability: reachabilityTable(reachability) };
  }

  /**
   * The live count while typing: a rule that does not compile yet is an answer (what is wrong
   * with it, by path), not a failed request — the editor shows it in place of the count.
   */
  async live(ruleText: string, purpose: Purpose): Promise<{ count?: SegmentCount; problem?: DomainError }> {
    try {
      return { count: await this.count(ruleText, purpose) };
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) return { problem: error };
      throw error;
    }
  }

  /** Creates, or with `id` changes, a segment; the segment service checks the rule and the name. */
  async save(form: SegmentForm, ownerId: string, id?: string): Promise<Segment> {
    if (!form.name) throw new ValidationFailedError([{ field: 'name', reason: 'is required to save a segment' }]);
    const rule = ruleFromText(form.rule) as Record<string, unknown>;
    if (id) return this.segments.update(id, { name: form.name, description: form.description ?? null, rule });
    return this.segments.create({ name: form.name, description: form.description, rule }, ownerId);
  }
}
