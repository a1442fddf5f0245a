import { EnvReader } from '../config/env-reader';
import { RetrySettings } from './retry.policy';

export interface DispatchConfig {
  /** Whether this instance drains the outbox (an API-only instance sets it false). */
  enabled: boolean;
  /**
   * Which lanes it drains: both, or one — bulk senders in processes of their own keep a busy
   * campaign's provider calls off the event loop that screens transactions and sends fraud alerts.
   */
  lanes: DispatchLanes;
  /** Tasks claimed per round trip. */
  batchSize: number;
  /**
   * Sends in hand at once per instance — opened, at the provider, or being recorded: the most that
   * a crash of this instance can leave `unknown`.
   */
  concurrency: number;
  /** How long one provider call may take before its outcome is `unknown` (left to reconciliation). */
  sendTimeoutMs: number;
  /**
   * How long after an attempt its provider's records are trusted to show it (Twilio's lists lag
   * behind its API): an `unknown` attempt is looked up only then.
   */
  reconcileAfterMs: number;
  /** How long a claim holds before another instance may reap it. */
  leaseSeconds: number;
  /** The wait between empty polls; urgent work wakes the dispatcher at once (LISTEN/NOTIFY). */
  pollMs: number;
  retry: RetrySettings;
}

export const DISPATCH_LANES = ['all', 'urgent', 'bulk'] as const;
export type DispatchLanes = (typeof DISPATCH_LANES)[number];

export function readDispatchConfig(read: EnvReader): DispatchConfig {
  return {
    enabled: read.bool('DISPATCH_ENABLED', { default: true }),
    lanes: read.oneOf('DISPATCH_LANES', DISPATCH_LANES, { default: 'all' }),
    batchSize: read.int('DISPATCH_BATCH_SIZE', { default: 200, min: 1, max: 5000 }),
    concurrency: read.int('DISPATCH_CONCURRENCY', { default: 32, min: 1, max: 1000 }),
    sendTimeoutMs: read.int('DISPATCH_SEND_TIMEOUT_MS', { default: 10_000, min: 100, max: 120_000 }),
    reconcileAfterMs: read.int('DISPATCH_RECONCILE_AFTER_MS', { default: 120_000, min: 0, max: 86_400_000 }),
    leaseSeconds: read.int('DISPATCH_LEASE_SECONDS', { default: 120, min: 5, max: 3600 }),
    pollMs: read.int('DISPATCH_POLL_MS', { default: 1000, min: 10, max: 60_000 }),
    retry: {
      maxAttempts: read.int('DISPATCH_MAX_ATTEMPTS', { default: 5, min: 1, max: 20 }),
      baseDelayMs: read.int('DISPATCH_RETRY_BASE_MS', { default: 30_000, min: 100, max: 3_600_000 }),
      maxDelayMs: read.int('DISPATCH_RETRY_MAX_MS', { default: 1_800_000, min: 100, max: 86_400_000 }),
    },
  };
}
