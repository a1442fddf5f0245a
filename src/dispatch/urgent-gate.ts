import { Injectable } from '@nestjs/common';

/**
 * Urgent work first, inside one process: while the urgent lane has a batch in hand, the bulk lane
 * starts no new send and no new render. Both share one event loop, and a bulk batch keeps it
 * full (dozens of provider calls in flight): a fraud alert's handful of round trips would each
 * queue behind them. Sends already in flight finish; nothing is dropped, only held.
 */
@Injectable()
export class UrgentGate {
  private working = 0;
  private waiting: (() => void)[] = [];

  /** The urgent lane starts a batch. */
  enter(): void {
    this.working++;
  }

  /** The urgent lane is done with it; held bulk work goes on. */
  leave(): void {
    this.working = Math.max(0, this.working - 1);
    if (this.working > 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((resume) => resume());
  }

  /** Resolves at once when no urgent batch is running, else when the last one ends. */
  clear(): Promise<void> {
    return this.working === 0 ? Promise.resolve() : new Promise((resume) => this.waiting.push(resume));
  }
}
