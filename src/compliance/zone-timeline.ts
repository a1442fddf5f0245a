import { IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * A set of local wall-clock instants ("local ms": epoch ms of the wall-clock reading taken as if
 * it were UTC), such as "08:00–21:00 every day".
 */
export interface LocalTimeSet {
  /** The earliest local ms ≥ `localMs` in the set, or Infinity. */
  nextLocal(localMs: number): number;
}

/** ISO weekday, 1 = Monday … 7 = Sunday, of a local day number (1970-01-01 was a Thursday). */
export const isoWeekday = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

// Offsets are looked up in 32-day buckets, each holding the offset at its start and the few
// transitions inside it; a bucket edge also ends a span, which keeps the walks below simple.
const BUCKET = 32 * DAY;

interface Bucket {
  /** Ascending instants at which `offsets[i]` starts; `starts[0]` is the bucket's start. */
  starts: number[];
  offsets: number[];
}

/**
 * A time zone's offsets from UTC as a timeline of spans of constant offset, computed once per
 * zone and 32-day bucket with luxon and then read without creating any date objects — the hot
 * path of the policy asks it several times per decision.
 */
export class ZoneTimeline {
  private static readonly zones = new Map<string, ZoneTimeline | null>();

  /** The timeline of an IANA zone, or undefined when the name is unknown. */
  static for(name: string): ZoneTimeline | undefined {
    let timeline = ZoneTimeline.zones.get(name);
    if (timeline === undefined) {
      timeline = IANAZone.isValidZone(name) ? new ZoneTimeline(name) : null;
      ZoneTimeline.zones.set(name, timeline);
    }
    return timeline ?? undefined;
  }

  private readonly zone: IANAZone;
  private readonly buckets = new Map<number, Bucket>();
  private lastIndex = NaN;
  private lastBucket: Bucket | undefined;

  private constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
  }

  /** Offset from UTC in ms at an instant. */
  offsetAt(ms: number): number {
    const bucket = this.bucket(Math.floor(ms / BUCKET));
    const { starts, offsets } = bucket;
    let i = starts.length - 1;
    while (i > 0 && ms < starts[i]) i--;
    return offsets[i];
  }

  /** The local wall-clock reading at an instant, as local ms. */
  localAt(ms: number): number {
    return ms + this.offsetAt(ms);
  }

  /**
   * The earliest instant ≥ `from` whose local time is in `set`, searching up to `until`
   * (Infinity when none). A local time skipped by a spring-forward gap is reached at the
   * transition itself: at 03:00 after the gap, "from 02:30" already holds.
   */
  earliestIn(from: number, set: LocalTimeSet, until: number): number {
    let t = from;
    while (t < until) {
      const index = Math.floor(t / BUCKET);
      const { starts, offsets } = this.bucket(index);
      let i = starts.length - 1;
      while (i > 0 && t < starts[i]) i--;
      const offset = offsets[i];
      const end = i + 1 < starts.length ? starts[i + 1] : (index + 1) * BUCKET;
      const local = set.nextLocal(t + offset);
      if (local < end + offset) return local - offset;
      t = end;
    }
    return Infinity;
  }

  /** The earliest instant ≥ `from` at which the local wall clock reads `localMs` or later. */
  earliestAtLocal(from: number, localMs: number): number {
    return this.earliestIn(from, { nextLocal: (a) => (a >= localMs ? a : localMs) }, Infinity);
  }

  private bucket(index: number): Bucket {
    if (index === this.lastIndex) return this.lastBucket!;
    let bucket = this.buckets.get(index);
    if (!bucket) {
      bucket = this.load(index);
      this.buckets.set(index, bucket);
    }
    this.lastIndex = index;
    this.lastBucket = bucket;
    return bucket;
  }

  /** Samples the offset daily and bisects each change down to the millisecond. */
  private load(index: number): Bucket {
    const start = index * BUCKET;
    const offsetMs = (ms: number) => this.zone.offset(ms) * MINUTE;
    const bucket: Bucket = { starts: [start], offsets: [offsetMs(start)] };
    for (let day = start; day < start + BUCKET; day += DAY) {
      const before = bucket.offsets[bucket.offsets.length - 1];
      const next = Math.min(day + DAY, start + BUCKET - 1);
      if (offsetMs(next) === before) continue;
      let low = day; // offset here is `before`
      let high = next; // offset here differs
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (offsetMs(mid) === before) low = mid;
        else high = mid;
      }
      bucket.starts.push(high);
      bucket.offsets.push(offsetMs(high));
    }
    return bucket;
  }
}
