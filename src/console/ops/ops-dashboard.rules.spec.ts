import { CHART_HEIGHT, humanDuration, optOutRates, volumesByHour } from './ops-dashboard.rules';

const HOUR = 3_600_000;

describe('the ops dashboard', () => {
  const now = new Date('2026-11-20T13:40:00Z');
  const current = Math.floor(now.getTime() / HOUR);

  it('shows 24 hours oldest first, labelled in the viewer zone, with empty hours at zero', () => {
    const bars = volumesByHour([{ hour: current, channel: 'sms', count: 3 }], now, 'Asia/Shanghai');
    expect(bars).toHaveLength(24);
    expect(bars[23].label).toBe('21:00');
    expect(bars[0].label).toBe('22:00');
    expect(bars[23].total).toBe(3);
    expect(bars.filter((b) => b.labelled).map((b) => b.label)).toEqual([
      '00:00',
      '03:00',
      '06:00',
      '09:00',
      '12:00',
      '15:00',
      '18:00',
      '21:00',
    ]);
    expect(bars.slice(0, 23).every((b) => b.total === 0 && b.segments.length === 0)).toBe(true);
    expect(volumesByHour([], now, 'Asia/Kolkata')[23].label).toBe('18:30');
  });

  it('stacks the channels and scales the busiest hour to the chart height', () => {
    const bars = volumesByHour(
      [
        { hour: current, channel: 'sms', count: 6 },
        { hour: current, channel: 'call', count: 2 },
        { hour: current - 1, channel: 'email', count: 4 },
        { hour: current - 30, channel: 'email', count: 99 },
      ],
      now,
      'UTC',
    );
    const last = bars[23];
    expect(last.segments.reduce((sum, s) => sum + s.height, 0)).toBeCloseTo(CHART_HEIGHT);
    expect(last.segments.map((s) => s.channel)).toEqual(['sms', 'call']);
    expect(last.segments[1].y + last.segments[1].height).toBeCloseTo(last.segments[0].y);
    expect(bars[22].segments[0].height).toBeCloseTo(CHART_HEIGHT / 2);
    expect(bars.reduce((sum, b) => sum + b.total, 0)).toBe(12);
  });

  it('rates opt-outs per contact sent, with no rate where nothing was sent', () => {
    const rates = optOutRates(
      [
        { channel: 'sms', count: 2 },
        { channel: 'email', count: 1 },
      ],
      [{ channel: 'sms', count: 100 }],
    );
    expect(rates).toEqual([
      { channel: 'sms', revoked: 2, sent: 100, rate: 0.02 },
      { channel: 'email', revoked: 1, sent: 0, rate: null },
      { channel: 'call', revoked: 0, sent: 0, rate: null },
      { channel: 'all', revoked: 3, sent: 100, rate: 0.03 },
    ]);
  });

  it('says durations in the unit that reads best', () => {
    expect([humanDuration(null), humanDuration(42), humanDuration(600), humanDuration(12_600)]).toEqual([
      '—',
      '42 s',
      '10 min',
      '3.5 h',
    ]);
  });
});
