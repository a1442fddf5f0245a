interface Waiting<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit in the application: items that arrive while earlier ones are being written share
 * the next write — one statement and one commit for all of them. An item that finds a free slot
 * goes at once, so a quiet system waits for nothing; under load, a batch forms during each round
 * trip, with no timer. A batch that fails is retried an item at a time, so one bad item fails
 * alone. `write` returns one result per item, in order.
 */
export class GroupCommit<In, Out> {
  private readonly waiting: Waiting<In, Out>[] = [];
  private writing = 0;

  constructor(
    private readonly write: (items: In[]) => Promise<Out[]>,
    private readonly limits: { maxBatch: number; concurrent: number },
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.writing < this.limits.concurrent && this.waiting.length) {
      const batch = this.waiting.splice(0, this.limits.maxBatch);
      this.writing++;
      void this.settle(batch).finally(() => {
        this.writing--;
        this.next();
      });
    }
  }

  private async settle(batch: Waiting<In, Out>[]): Promise<void> {
    try {
      const outs = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(outs[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const w of batch) await this.settle([w]);
    }
  }
}
