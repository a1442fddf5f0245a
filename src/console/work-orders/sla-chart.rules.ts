import { DateTime } from 'luxon';
import { Locale } from '../../customers/customer.entity';
import { DailySla, SlaFigures } from '../../work-orders/work-orders.repository';

const BAR = 18;
const GAP = 6;
const HEIGHT = 120;
const LABEL_ROOM = 14;

/** The console's chart colours (console.css), as the funnel uses them: delivered green, failed red, deferred grey. */
const CLASS = { within: 'bar-delivered', late: 'bar-failed', pending: 'bar-deferred' } as const;

export interface SlaBar {
  x: number;
  label: string;
  /** Every seventh day carries its date, so labels never overlap. */
  labelled: boolean;
  title: string;
  segments: { kind: keyof typeof CLASS; className: string; y: number; height: number }[];
}

/**
 * The supervisor's chart over time: a bar a day, its height the orders opened that day (scaled to
 * the busiest day), stacked from the bottom as resolved within SLA, late, and the rest (open and
 * not yet due, or cancelled). Pure: the page only draws what this returns.
 */
export function slaChart(figures: readonly DailySla[], window: { from: Date; to: Date; zone: string }, locale: Locale = 'en') {
  const byDay = new Map(figures.map((d) => [d.day, d]));
  const days = daysOf(window).map((day) => byDay.get(day) ?? { day, opened: 0, withinSla: 0, late: 0 });
  const most = Math.max(1, ...days.map((d) => d.opened));
  const bars: SlaBar[] = days.map((day, i) => {
    const pending = Math.max(0, day.opened - day.withinSla - day.late);
    let top = HEIGHT;
    const segments = (
      [
        ['within', day.withinSla],
        ['late', day.late],
        ['pending', pending],
      ] as const
    )
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => {
        const height = Math.round((count / most) * HEIGHT * 10) / 10;
        top -= height;
        return { kind, className: CLASS[kind], y: Math.round(top * 10) / 10, height };
      });
    return {
      x: i * (BAR + GAP),
      label: day.day.slice(5),
      labelled: i % 7 === 0,
      title:
        locale === 'zh-CN'
          ? `${day.day}：新建 ${day.opened}，时限内完成 ${day.withinSla}，超时 ${day.late}`
          : `${day.day}: ${day.opened} opened, ${day.withinSla} within SLA, ${day.late} late`,
      segments,
    };
  });
  return { width: Math.max(1, days.length * (BAR + GAP)), height: HEIGHT, labelY: HEIGHT + LABEL_ROOM, barWidth: BAR, bars };
}

/** Every day of the window in its zone, oldest first: a day with no order is an empty slot, not a gap closed up. */
function daysOf({ from, to, zone }: { from: Date; to: Date; zone: string }): string[] {
  const days: string[] = [];
  const last = DateTime.fromJSDate(new Date(to.getTime() - 1), { zone }).startOf('day');
  for (let day = DateTime.fromJSDate(from, { zone }).startOf('day'); day <= last; day = day.plus({ days: 1 })) {
    days.push(day.toISODate()!);
  }
  return days;
}

/**
 * The SLA figures as the console shows them — on the supervisors' work-order page and on the ops
 * dashboard alike (the partial `sla-figures`): the chart over the window, and per queue and
 * severity the share within SLA and p50 / p90 of time to first action and to resolution.
 */
export function slaFigures(
  stats: {
    groups: readonly SlaFigures[];
    daily: readonly DailySla[];
    from: Date;
    to: Date;
    zone: string;
  },
  locale: Locale,
) {
  const minutes = (seconds: number | null) =>
    seconds === null ? '—' : `${Math.round(seconds / 60)} ${locale === 'zh-CN' ? '分钟' : 'min'}`;
  return {
    zone: stats.zone,
    chart: slaChart(stats.daily, stats, locale),
    stats: stats.groups.map((g) => ({
      ...g,
      withinSlaPercent: g.withinSlaShare === null ? '—' : `${Math.round(g.withinSlaShare * 100)} %`,
      p50FirstAction: minutes(g.p50FirstActionSeconds),
      p90FirstAction: minutes(g.p90FirstActionSeconds),
      p50Resolution: minutes(g.p50ResolutionSeconds),
      p90Resolution: minutes(g.p90ResolutionSeconds),
    })),
  };
}
