import { validateCustomerRow } from '../../customers/customer-row.validator';
import { sayRejection } from './import-rejections.rules';

/** Keyed by field (raw values as a CSV gives them): each wrong in one of the ways the validator names. */
const WRONG_ROWS: Record<string, string>[] = [
  { externalRef: 'has space', fullName: '', country: 'XX', phone: '12', email: 'nope', locale: 'fr', tags: 'a b' },
  { externalRef: 'R1', fullName: 'x'.repeat(201), country: 'US', cardLast4: '12a', cardStatus: 'lost', creditLimit: '-1' },
  { externalRef: 'R2', fullName: 'Li', timezone: 'Mars/Base', currency: 'XYZ', dueDate: '2026-13-01', daysPastDue: 'many' },
  { externalRef: 'R3', fullName: 'Li', lastCardActivityAt: 'yesterday', attributes: '[1]', creditLimit: '1.5', phone: '+1 555' },
];

describe('a refused import row, said for a person', () => {
  it('has a sentence in both languages for every reason the validator gives', () => {
    const unsaid: string[] = [];
    let problems = 0;
    for (const raw of WRONG_ROWS) {
      const result = validateCustomerRow(raw, { source: 'text', byColumn: true });
      for (const problem of 'problems' in result ? result.problems : []) {
        problems += 1;
        for (const locale of ['en', 'zh-CN'] as const) {
          const said = sayRejection(problem, locale);
          if (
            said.message === sayRejection({ field: 'x', reason: 'never said' }, locale).message ||
            said.label.includes('nknown')
          )
            unsaid.push(`${locale} ${problem.field}: ${problem.reason}`);
        }
      }
    }
    expect(problems).toBeGreaterThan(15);
    expect(unsaid).toEqual([]);
  });

  it('says the column, its label and the reason, quoting what the person must type as code', () => {
    expect(
      sayRejection({ field: 'card_status', reason: 'must be one of active, not_activated, on_hold, blocked' }, 'zh-CN'),
    ).toEqual({
      column: 'card_status',
      label: '卡片状态',
      message: '必须是以下之一',
      quoted: 'active, not_activated, on_hold, blocked',
    });
    expect(
      sayRejection({ field: 'phone', reason: 'is not a valid mobile number (read in CN unless it starts with +)' }, 'en'),
    ).toEqual({
      column: 'phone',
      label: 'Phone',
      message: 'is not a valid mobile number (read as a CN number unless it starts with +)',
    });
    expect(sayRejection({ field: 'days_past_due', reason: 'must be between 0 and 9999' }, 'zh-CN').message).toBe(
      '必须在 0 到 9999 之间',
    );
    expect(sayRejection({ field: 'mystery', reason: 'something new' }, 'zh-CN')).toEqual({
      column: 'mystery',
      label: '未知列',
      message: '取值不被接受',
    });
  });
});
