import { EnvReader } from '../config/env-reader';
import { EventRetrySettings } from './event-retry.rules';

export interface EventsConfig {
  /** Whether this instance delivers events (every instance records them). */
  deliveryEnabled: boolean;
  /** The wait between polls of an empty queue. */
  pollMs: number;
  /** Deliveries claimed in one statement (each to a different subscriber and customer). */
  batchSize: number;
  /** Claimed batches in flight at once per instance: the next is claimed while earlier ones are delivered. */
  roundsInFlight: number;
  /** Open connections kept per subscriber origin (keep-alive), shared by the rounds. */
  socketsPerOrigin: number;
  /** How long a subscriber may take to answer before the try counts as failed. */
  timeoutMs: number;
  retry: EventRetrySettings;
}

export function readEventsConfig(read: EnvReader): EventsConfig {
  return {
    deliveryEnabled: read.bool('EVENTS_DELIVERY_ENABLED', { default: true }),
    pollMs: read.int('EVENTS_POLL_MS', { default: 1_000, min: 10, max: 60_000 }),
    batchSize: read.int('EVENTS_BATCH_SIZE', { default: 100, min: 1, max: 1_000 }),
    roundsInFlight: read.int('EVENTS_ROUNDS_IN_FLIGHT', { default: 4, min: 1, max: 32 }),
    socketsPerOrigin: read.int('EVENTS_SOCKETS_PER_ORIGIN', { default: 64, min: 1, max: 1_024 }),
    timeoutMs: read.int('EVENTS_TIMEOUT_MS', { default: 5_000, min: 100, max: 60_000 }),
    retry: {
      baseMs: read.int('EVENTS_RETRY_BASE_MS', { default: 1_000, min: 10, max: 3_600_000 }),
      maxMs: read.int('EVENTS_RETRY_MAX_MS', { default: 600_000, min: 10, max: 86_400_000 }),
      forMs: read.int('EVENTS_RETRY_HOURS', { default: 24, min: 1, max: 168 }) * 3_600_000,
    },
  };
}
