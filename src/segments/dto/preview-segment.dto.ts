import { SegmentRuleProperty } from './segment-rule.decorator';

export class PreviewSegmentDto {
  @SegmentRuleProperty()
  rule: Record<string, unknown>;
}
