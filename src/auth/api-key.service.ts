import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { hashApiKey } from './api-key.secret';
import { Principal } from './role';
import { ApiKeysRepository } from './api-keys.repository';

/** The throttler's name for API-key misses in its storage. */
const MISSES = 'api-key-misses';

/** Refused unchecked: too many unknown keys from this address lately. */
export class KeyAttemptsBlockedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'TOO_MANY_FAILED_KEYS',
      `too many requests with unknown keys from your address; retry in ${retryAfterSeconds} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * API keys: the key's user, if it is a live key of an enabled user. Keys tried at random slow
 * down: `apiKeyMisses.limit` 401s from one address within the window block that address for
 * `blockSeconds` — every request with a key, good or bad, so a guess learns nothing. The counts
 * are @nestjs/throttler's in-memory storage: per instance, by design (N instances allow N times
 * the burst; nothing is written per guess).
 */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeysRepository,
    @Inject(ThrottlerStorage) private readonly misses: ThrottlerStorageService,
    private readonly config: AppConfig,
  ) {}

  /** The key's principal; undefined (a miss, counted against `address`) if there is none. */
  async authenticate(key: string | undefined, address: string): Promise<Principal | undefined> {
    const tracker = `${MISSES}:${address}`;
    const record = this.misses.storage.get(tracker);
    if (record?.isBlocked && record.blockExpiresAt > Date.now()) {
      throw new KeyAttemptsBlockedError(Math.ceil((record.blockExpiresAt - Date.now()) / 1000));
    }
    const principal = key ? await this.lookUp(key) : undefined;
    if (!principal) {
      const { limit, windowSeconds, blockSeconds } = this.config.auth.apiKeyMisses;
      await this.misses.increment(tracker, windowSeconds * 1000, limit, blockSeconds * 1000, MISSES);
    }
    return principal;
  }

  private async lookUp(key: string): Promise<Principal | undefined> {
    const row = await this.keys.findLive(hashApiKey(key));
    if (!row) return undefined;
    // Last use is for people auditing keys; minute precision spares a write on every request.
    if (row.touch) await this.keys.touchLastUsed(row.keyId);
    return { userId: row.userId, username: row.username, role: row.role };
  }
}
