import { EnvReader } from '../config/env-reader';

export interface ConsoleConfig {
  /** A session unused this long ends; every request renews it (one shift by default). */
  sessionIdleMinutes: number;
  /**
   * Cookies marked Secure under the `__Host-` prefix. Browsers accept them from http://localhost
   * too; turn off only to reach a development console over plain HTTP from another host.
   */
  secureCookies: boolean;
}

export function readConsoleConfig(read: EnvReader): ConsoleConfig {
  return {
    sessionIdleMinutes: read.int('CONSOLE_SESSION_IDLE_MINUTES', { default: 480, min: 5, max: 24 * 60 }),
    secureCookies: read.bool('CONSOLE_SECURE_COOKIES', { default: true }),
  };
}
