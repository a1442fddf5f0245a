import { DateTime } from 'luxon';

/** One hour of a campaign's sends: how many went, and how they ended so far. */
export interface HourOfSends {
  hour: Date;
  sent: number;
  delivered: number;
  failed: number;
}

/** At most this many hours are drawn: the latest three days of a long campaign. */
export const MAX_HOURS = 72;
const WIDTH = 720;
const HEIGHT = 180;
const AXIS = 20;

export interface SendsChart {
  width: number;
  height: number;
  max: number;
  /** One column per hour, empty hours included: stacked delivered / sent (no outcome yet) / failed. */
  columns: {
    label: string;
    title: string;
    x: number;
    width: number;
    parts: { kind: 'delivered' | 'pending' | 'failed'; y: number; height: number; value: number }[];
  }[];
  totals: { sent: number; delivered: number; failed: number };
}

/**
 * The campaign's sends hour by hour, in `zone`, as an SVG the server draws: a column per hour from
 * the first send to the last (the latest MAX_HOURS), each split into delivered, sent without an
 * outcome yet and failed. Pure, so its geometry is tested without a browser.
 */
export function sendsChart(hours: readonly HourOfSends[], zone: string): SendsChart | undefined {
  if (hours.length === 0) return undefined;
  const byHour = new Map(hours.map((h) => [h.hour.getTime(), h]));
  const last = Math.max(...hours.map((h) => h.hour.getTime()));
  const first = Math.max(Math.min(...hours.map((h) => h.hour.getTime())), last - (MAX_HOURS - 1) * 3_600_000);
  const slots: HourOfSends[] = [];
  for (let at = first; at <= last; at += 3_600_000) {
    slots.push(byHour.get(at) ?? { hour: new Date(at), sent: 0, delivered: 0, failed: 0 });
  }
  const max = Math.max(1, ...slots.map((h) => h.sent + h.failed));
  const step = WIDTH / slots.length;
  const scale = (HEIGHT - AXIS) / max;
  const columns = slots.map((h, i) => {
    const local = DateTime.fromJSDate(h.hour, { zone });
    const pending = Math.max(0, h.sent - h.delivered);
    let y = HEIGHT - AXIS;
    const parts = (
      [
        ['delivered', h.delivered],
        ['pending', pending],
        ['failed', h.failed],
      ] as const
    ).map(([kind, value]) => {
      const height = value * scale;
      y -= height;
      return { kind, y, height, value };
    });
    return {
      // Every hour of a day's chart is named; a longer one names every sixth, so the labels do not overlap.
      label:
        local.hour === 0 || i === 0
          ? local.toFormat('MM-dd HH')
          : slots.length <= 24 || local.hour % 6 === 0
            ? local.toFormat('HH')
            : '',
      title: `${local.toFormat('yyyy-MM-dd HH:00')} ${zone}`,
      x: i * step,
      width: Math.max(1, step - 2),
      parts,
    };
  });
  const totals = slots.reduce(
    (sum, h) => ({ sent: sum.sent + h.sent, delivered: sum.delivered + h.delivered, failed: sum.failed + h.failed }),
    { sent: 0, delivered: 0, failed: 0 },
  );
  return { width: WIDTH, height: HEIGHT, max, columns, totals };
}
