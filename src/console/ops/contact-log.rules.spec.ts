import { spreadsheetSafe } from './contact-log.rules';

describe('a CSV cell', () => {
  it('never starts a formula', () => {
    expect(['=HYPERLINK("x")', '+86138', '-1', '@SUM(A1)', '\tx'].map(spreadsheetSafe)).toEqual([
      `'=HYPERLINK("x")`,
      "'+86138",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
    ]);
  });

  it('leaves the rest alone and writes instants in UTC', () => {
    expect(spreadsheetSafe('王*')).toBe('王*');
    expect(spreadsheetSafe(null)).toBe('');
    expect(spreadsheetSafe(new Date('2026-11-20T13:40:00Z'))).toBe('2026-11-20T13:40:00.000Z');
  });
});
