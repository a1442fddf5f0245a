import { slaChart } from './sla-chart.rules';

describe('slaChart', () => {
  it('scales bars to the busiest day and stacks within SLA, late and the rest from the bottom', () => {
    const window = { from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-03T16:00:00Z'), zone: 'Asia/Shanghai' };
    const chart = slaChart(
      [
        { day: '2026-12-01', opened: 10, withinSla: 6, late: 2 },
        { day: '2026-12-03', opened: 5, withinSla: 5, late: 0 },
      ],
      window,
    );
    expect(chart.bars.map((b) => b.label)).toEqual(['12-01', '12-02', '12-03']);
    const [busy, empty, quiet] = chart.bars;
    expect(empty.segments).toEqual([]);
    expect(busy.segments).toEqual([
      { kind: 'within', className: 'bar-delivered', y: 48, height: 72 },
      { kind: 'late', className: 'bar-failed', y: 24, height: 24 },
      { kind: 'pending', className: 'bar-deferred', y: 0, height: 24 },
    ]);
    expect(quiet.segments).toEqual([{ kind: 'within', className: 'bar-delivered', y: 60, height: 60 }]);
    expect(quiet.x).toBeGreaterThan(busy.x);
    expect(busy).toMatchObject({ label: '12-01', labelled: true, title: '2026-12-01: 10 opened, 6 within SLA, 2 late' });
  });

  it('draws empty slots for a window without orders, without dividing by zero', () => {
    const window = { from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-03T00:00:00Z'), zone: 'UTC' };
    const chart = slaChart([], window);
    expect(chart.bars.map((b) => [b.label, b.segments.length])).toEqual([
      ['12-01', 0],
      ['12-02', 0],
    ]);
  });
});
