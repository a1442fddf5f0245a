import { SegmentRuleProperty } from '../../segments/dto/segment-rule.decorator';

export class DryRunAlertRuleDto {
  @SegmentRuleProperty()
  rule: Record<string, unknown>;
}
