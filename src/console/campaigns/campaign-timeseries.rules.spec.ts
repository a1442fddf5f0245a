import { sendsChart } from './campaign-timeseries.rules';

const at = (iso: string) => new Date(iso);

describe('sendsChart', () => {
  it('draws a column per hour from the first send to the last, empty hours included, stacked by outcome', () => {
    const chart = sendsChart(
      [
        { hour: at('2026-11-23T02:00:00Z'), sent: 10, delivered: 6, failed: 2 },
        { hour: at('2026-11-23T04:00:00Z'), sent: 4, delivered: 4, failed: 0 },
      ],
      'Asia/Shanghai',
    )!;
    expect(chart.columns.map((c) => c.label)).toEqual(['11-23 10', '11', '12']);
    expect(chart.max).toBe(12);
    const [first, empty] = chart.columns;
    expect(first.parts.map((p) => [p.kind, p.value])).toEqual([
      ['delivered', 6],
      ['pending', 4],
      ['failed', 2],
    ]);
    // The tallest column fills the plot; the parts stack without gaps.
    expect(first.parts[2].y).toBeCloseTo(0);
    expect(first.parts[0].y + first.parts[0].height).toBeCloseTo(160);
    expect(empty.parts.every((p) => p.height === 0)).toBe(true);
    expect(chart.totals).toEqual({ sent: 14, delivered: 10, failed: 2 });
  });

  it('keeps the latest three days of a long campaign, and draws nothing before the first send', () => {
    const hours = Array.from({ length: 100 }, (_, i) => ({
      hour: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000),
      sent: 1,
      delivered: 1,
      failed: 0,
    }));
    expect(sendsChart(hours, 'UTC')!.columns).toHaveLength(72);
    expect(sendsChart([], 'UTC')).toBeUndefined();
  });
});
