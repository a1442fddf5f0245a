import { EnvReader } from '../config/env-reader';

export interface MetricsConfig {
  /**
   * Unset: `/metrics` on the main port, for an API key of role ops (or admin). Set: a listener of
   * its own on `host:port` serving only `/metrics`, without a key (keep it off the public network),
   * and the main port has none.
   */
  port: number | undefined;
  host: string;
}

export function readMetricsConfig(read: EnvReader): MetricsConfig {
  const port =
    read.string('METRICS_PORT', { optional: true }) === undefined ? undefined : read.int('METRICS_PORT', { min: 1, max: 65535 });
  return { port, host: read.string('METRICS_HOST', { default: '127.0.0.1' })! };
}
