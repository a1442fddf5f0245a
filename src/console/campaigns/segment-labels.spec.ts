import { SEGMENT_FIELDS } from '../../segments/segment-field.catalogue';
import { FIELD_LABELS, segmentLabels } from './segment-labels';

describe('segment builder labels', () => {
  it('names every field of the segment language in both languages', () => {
    const missing = [...SEGMENT_FIELDS.keys()].filter((name) => !FIELD_LABELS[name]);
    expect(missing).toEqual([]);
  });

  it('labels every value of each pick list the builder offers', () => {
    const { values } = segmentLabels('zh-CN');
    for (const field of SEGMENT_FIELDS.values()) {
      if (!field.values || !values[field.name]) continue;
      expect([field.name, field.values.filter((v) => !values[field.name][v])]).toEqual([field.name, []]);
    }
    expect(values.cardStatus.on_hold).toBe('临时冻结');
  });
});
