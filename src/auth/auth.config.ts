import { isIP } from 'node:net';
import { EnvReader } from '../config/env-reader';
import { ThrottlePolicy } from './sign-in-throttle.rules';

export interface AuthConfig {
  /** Console sign-in: failures in a row lock an account, and a client address, for a growing while (PostgreSQL). */
  signIn: {
    account: ThrottlePolicy;
    address: ThrottlePolicy;
    /** Sign-in posts per minute from one address, per instance (@nestjs/throttler), whatever their outcome. */
    attemptsPerMinute: number;
  };
  /** API keys tried at random: this many 401s from one address within the window block it, per instance. */
  apiKeyMisses: { limit: number; windowSeconds: number; blockSeconds: number };
  /** Express's `trust proxy`: whose X-Forwarded-For names the client (false: the connection's peer). */
  trustProxy: boolean | number | string[];
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

export function readAuthConfig(read: EnvReader): AuthConfig {
  const lockSeconds = read.int('SIGN_IN_LOCK_SECONDS', { default: 60, min: 1, max: 86_400 });
  const maxLockSeconds = read.int('SIGN_IN_MAX_LOCK_SECONDS', { default: 3600, min: 1, max: 7 * 86_400 });
  if (maxLockSeconds < lockSeconds) read.reject('SIGN_IN_MAX_LOCK_SECONDS', 'must be at least SIGN_IN_LOCK_SECONDS');
  return {
    signIn: {
      account: { maxFailures: read.int('SIGN_IN_MAX_FAILURES', { default: 5, min: 1, max: 10 }), lockSeconds, maxLockSeconds },
      address: {
        maxFailures: read.int('SIGN_IN_ADDRESS_MAX_FAILURES', { default: 10, min: 1, max: 10 }),
        lockSeconds,
        maxLockSeconds,
      },
      attemptsPerMinute: read.int('SIGN_IN_ATTEMPTS_PER_MINUTE', { default: 20, min: 1, max: 10_000 }),
    },
    apiKeyMisses: {
      limit: read.int('API_KEY_MAX_FAILURES', { default: 20, min: 1, max: 100_000 }),
      windowSeconds: read.int('API_KEY_FAILURE_WINDOW_SECONDS', { default: 60, min: 1, max: 86_400 }),
      blockSeconds: read.int('API_KEY_BLOCK_SECONDS', { default: 300, min: 1, max: 86_400 }),
    },
    trustProxy: trustProxy(read),
  };
}

/** `false`, `true`, a number of hops, or addresses / subnets / loopback, linklocal, uniquelocal. */
function trustProxy(read: EnvReader): AuthConfig['trustProxy'] {
  const raw = read.string('TRUST_PROXY', { default: 'false' })!.trim();
  if (raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !PROXY_NAMES.includes(entry) && !isIP(entry.split('/')[0]));
  if (bad !== undefined) {
    read.reject(
      'TRUST_PROXY',
      `must be false, true, a hop count, or addresses, subnets and ${PROXY_NAMES.join(', ')}; got "${bad}"`,
    );
  }
  return entries;
}
