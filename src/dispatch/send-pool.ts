/**
 * The instance's senders: at most `size` pieces of work at once, work marked `first` taken before
 * the rest. A send holds its sender from the moment its attempt is opened until its outcome is
 * written, so the sends in hand — all a crash could leave in doubt — never exceed the pool.
 */
export class SendPool {
  private readonly queues = { first: [] as (() => void)[], rest: [] as (() => void)[] };
  private busy = 0;

  constructor(private readonly size: number) {}

  /** Runs `work` once a sender is free. */
  run<T>(work: () => Promise<T>, first: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      (first ? this.queues.first : this.queues.rest).push(() => {
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
    while (this.busy < this.size) {
      const start = this.queues.first.shift() ?? this.queues.rest.shift();
      if (!start) break;
      this.busy++;
      start();
    }
  }
}
