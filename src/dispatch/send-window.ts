/**
 * The pace one sender keeps in real time, as a sliding window: at most `limit` sends in any
 * second (`limit` = the rate, rounded down; a rate under 1/s allows one send per 1/rate). A send
 * may leave once the send `limit` places before it is a whole window old.
 *
 * Spacing each send 1/rate after the previous one's actual departure keeps the same limit, but
 * every late wake-up (a timer's millisecond, a busy event loop) pushes all later sends back and is
 * never made up: 200/s became 170–185/s. Measured against the send `limit` places back, a late
 * send catches up on its slot without any second carrying more than the limit.
 */
export class SendWindow {
  private readonly departures: number[];
  private readonly windowMs: number;
  private oldest = 0;

  constructor(readonly perSecond: number) {
    const limit = Math.max(1, Math.floor(perSecond));
    this.departures = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY);
    this.windowMs = limit === 1 ? Math.max(1000, 1000 / perSecond) : 1000;
  }

  /** The earliest instant (epoch ms) the next send may leave. */
  get nextAt(): number {
    return this.departures[this.oldest] + this.windowMs;
  }

  /** A send left at `at`. */
  depart(at: number): void {
    this.departures[this.oldest] = at;
    this.oldest = (this.oldest + 1) % this.departures.length;
  }
}
