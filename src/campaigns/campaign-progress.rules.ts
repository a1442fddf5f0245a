/** One step of a campaign's funnel: its tasks counted by where they stand. */
export interface FunnelStep {
  step: number;
  channel: string;
  targeted: number;
  waiting: number;
  deferred: number;
  suppressed: number;
  skipped: number;
  expired: number;
  cancelled: number;
  sent: number;
  delivered: number;
  failed: number;
  unknown: number;
  answered: number;
  replied: number;
}

export interface CampaignProgress {
  /** Tasks the campaign made, all steps together. */
  total: number;
  /** Tasks past the queue: sent (or beyond), suppressed, skipped, expired, cancelled, failed, unknown. */
  settled: number;
  /** Whole per cent settled, rounded down (100 only when nothing waits). */
  percent: number;
  /** Waiting to be sent now; deferred ones wait for a time the policy names. */
  waiting: number;
  deferred: number;
  /** Seconds the waiting ones take at the pace; null unpaced, or nothing waiting. */
  etaSeconds: number | null;
}

/**
 * How far a campaign has got: everything the funnel counts that is no longer waiting to be sent,
 * over everything it targeted, and how long the tasks waiting now take at the campaign's pace.
 * Deferred tasks are left out of the ETA: they wait for an instant the policy names, not the pace.
 */
export function campaignProgress(steps: FunnelStep[], ratePerSecond: number | null): CampaignProgress {
  const sum = (pick: (step: FunnelStep) => number) => steps.reduce((total, step) => total + pick(step), 0);
  const total = sum((step) => step.targeted);
  const waiting = sum((step) => step.waiting);
  const deferred = sum((step) => step.deferred);
  const settled = total - waiting - deferred;
  return {
    total,
    settled,
    percent: total === 0 ? 0 : Math.floor((settled / total) * 100),
    waiting,
    deferred,
    etaSeconds: ratePerSecond && waiting > 0 ? Math.ceil(waiting / ratePerSecond) : null,
  };
}

/** Part of a whole as a person reads it: one decimal, `—` for no whole. */
export const percentOf = (part: number, whole: number): string =>
  whole === 0 ? '—' : `${(Math.round((part / whole) * 1000) / 10).toFixed(1)} %`;
