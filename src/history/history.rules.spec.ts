import { monthsToEnsure, monthStart, partitionsToDrop } from './history.rules';

const month = (iso: string) => {
  const starts = new Date(iso);
  return { partition: `t_p${iso.slice(0, 7).replace('-', '')}`, starts, ends: monthStart(starts, 1) };
};

describe('history months', () => {
  it('starts months in UTC, across a year end', () => {
    expect(monthStart(new Date('2026-12-31T23:30:00-08:00')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthStart(new Date('2026-12-02T10:00:00Z'), 1).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(monthStart(new Date('2026-01-15T00:00:00Z'), -2).toISOString()).toBe('2025-11-01T00:00:00.000Z');
  });

  it('ensures the current month and the months ahead', () => {
    expect(monthsToEnsure(new Date('2026-11-23T02:00:00Z'), 3).map((d) => d.toISOString().slice(0, 7))).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
  });

  it('drops only months wholly older than the window, oldest first', () => {
    const partitions = [month('2026-09-01'), month('2026-07-01'), month('2026-08-01'), month('2026-10-01')];
    // Two months kept on 2026-11-23: September and October stay (a cap window of weeks reaches into October).
    expect(partitionsToDrop(partitions, new Date('2026-11-23T02:00:00Z'), 2).map((p) => p.partition)).toEqual([
      't_p202607',
      't_p202608',
    ]);
    // On the first of December, September goes too.
    expect(partitionsToDrop(partitions, new Date('2026-12-01T00:00:00Z'), 2).map((p) => p.partition)).toEqual([
      't_p202607',
      't_p202608',
      't_p202609',
    ]);
    expect(partitionsToDrop(partitions, new Date('2026-11-23T02:00:00Z'), 24)).toEqual([]);
  });
});
