import { DateTime } from 'luxon';
import { CHANNELS, ContactChannel } from '../../dispatch/contact-task.entity';

/** Attempts in one UTC hour (hours since the epoch) on one channel, as the database counts them. */
export interface HourCount {
  hour: number;
  channel: ContactChannel;
  count: number;
}

export interface HourBar {
  /** The hour's start in the viewer's zone, e.g. `08:00` (or `08:30` in a half-hour zone). */
  label: string;
  counts: Record<ContactChannel, number>;
  total: number;
  /** Stacked bar segments, in chart units (the tallest hour is CHART_HEIGHT). */
  segments: { channel: ContactChannel; y: number; height: number }[];
  x: number;
  /** Every third hour is labelled under the chart; 24 labels would overlap. */
  labelled: boolean;
}

export const CHART_HEIGHT = 120;
export const BAR_WIDTH = 24;
const HOUR_MS = 3_600_000;

/**
 * The last 24 hours (the current one included), one bar per hour, oldest first, labelled in the
 * viewer's zone; hours without contacts are there with zero, so the gaps show.
 */
export function volumesByHour(counts: HourCount[], now: Date, zone: string): HourBar[] {
  const current = Math.floor(now.getTime() / HOUR_MS);
  const hours = Array.from({ length: 24 }, (_, i) => current - 23 + i);
  const byHour = new Map(
    hours.map((h) => [h, Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<ContactChannel, number>]),
  );
  for (const { hour, channel, count } of counts) {
    const bucket = byHour.get(Number(hour));
    if (bucket) bucket[channel] += Number(count);
  }
  const totals = hours.map((h) => CHANNELS.reduce((sum, c) => sum + byHour.get(h)![c], 0));
  const tallest = Math.max(1, ...totals);
  return hours.map((hour, i) => {
    const counts = byHour.get(hour)!;
    let top = CHART_HEIGHT;
    const segments = CHANNELS.filter((c) => counts[c] > 0).map((channel) => {
      const height = (counts[channel] / tallest) * CHART_HEIGHT;
      top -= height;
      return { channel, y: round(top), height: round(height) };
    });
    const label = DateTime.fromMillis(hour * HOUR_MS, { zone }).toFormat('HH:mm');
    return { label, counts, total: totals[i], segments, x: i * (BAR_WIDTH + 4), labelled: (23 - i) % 3 === 0 };
  });
}

/** Revocations per contact sent, per channel and overall; no contacts sent is "no rate", not zero. */
export function optOutRates(
  revoked: { channel: ContactChannel; count: number }[],
  sent: { channel: ContactChannel; count: number }[],
): { channel: ContactChannel | 'all'; revoked: number; sent: number; rate: number | null }[] {
  const count = (rows: { channel: ContactChannel; count: number }[], channel: ContactChannel) =>
    rows.filter((r) => r.channel === channel).reduce((sum, r) => sum + Number(r.count), 0);
  const rows = CHANNELS.map((channel) => ({ channel, revoked: count(revoked, channel), sent: count(sent, channel) }));
  const all = rows.reduce((sum, r) => ({ revoked: sum.revoked + r.revoked, sent: sum.sent + r.sent }), { revoked: 0, sent: 0 });
  return [...rows, { channel: 'all' as const, ...all }].map((r) => ({ ...r, rate: r.sent === 0 ? null : r.revoked / r.sent }));
}

/** A duration for people: `45 s`, `12 min`, `3.5 h`. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${round(seconds / 3600, 1)} h`;
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
