import { Injectable } from '@nestjs/common';

/** However much urgent work there is, bulk work waits at most this long per step: it is held, never starved. */
const MAX_HOLD_MS = 250;

/**
 * Urgent work first, inside one process: while the urgent lane has a batch in hand (or a card
 * transaction is being screened), the bulk lane starts no new send, render or batch write. Both
 * share one event loop, and a bulk batch keeps it full (dozens of provider calls in flight): a
 * fraud alert's handful of round trips would each queue behind them. Sends already in flight
 * finish; nothing is dropped, only held.
 */
@Injectable()
export class UrgentGate {
  private working = 0;
  private waiting: (() => void)[] = [];

  /** Urgent work starts: the urgent lane's batch, or a card transaction being screened. */
  enter(): void {
    this.working++;
  }

  /** That work is done; held bulk work goes on once no other is running. */
  leave(): void {
    this.working = Math.max(0, this.working - 1);
    if (this.working > 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((resume) => resume());
  }

  /** Resolves at once when no urgent work is running, else when the last ends (or MAX_HOLD_MS has passed). */
  clear(): Promise<void> {
    if (this.working === 0) return Promise.resolve();
    return new Promise((resume) => {
      const timer = setTimeout(resume, MAX_HOLD_MS);
      this.waiting.push(() => {
        clearTimeout(timer);
        resume();
      });
    });
  }
}
