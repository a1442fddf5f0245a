/** Which work a sender takes first: urgent work, then retries, then fresh work. */
export type SendRank = 'urgent' | 'retry' | 'fresh';

/**
 * The instance's senders: at most `size` pieces of work at once. A send holds its sender from the
 * moment its attempt is opened until its outcome is written, so the sends in hand — all a crash
 * could leave in doubt — never exceed the pool. A sixteenth of the senders is kept for urgent work
 * (fraud verification): bulk sends hold theirs while their outcomes wait for a shared commit, and
 * in one process both lanes share the pool, so an urgent send waited for a whole wave of them to be
 * written down — ~250 ms, its p99 during a campaign.
 */
export class SendPool {
  private readonly queues: Record<SendRank, (() => void)[]> = { urgent: [], retry: [], fresh: [] };
  private readonly reserved: number;
  private busy = 0;

  constructor(private readonly size: number) {
    this.reserved = Math.floor(size / 16);
  }

  /** Runs `work` once a sender is free for its rank. */
  run<T>(work: () => Promise<T>, rank: SendRank): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queues[rank].push(() => {
        work()
          .then(resolve, reject)
          .finally(() => {
            this.busy--;
            this.next();
          });
      });
      this.next();
    });
  }

  private next(): void {
    for (;;) {
      const queue =
        this.queues.urgent.length > 0 && this.busy < this.size
          ? this.queues.urgent
          : this.busy < this.size - this.reserved
            ? [this.queues.retry, this.queues.fresh].find((waiting) => waiting.length > 0)
            : undefined;
      const start = queue?.shift();
      if (!start) return;
      this.busy++;
      start();
    }
  }
}
