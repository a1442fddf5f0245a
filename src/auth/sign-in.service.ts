import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ConsoleSessions } from './console-sessions';
import { DECOY_HASH, verifyPassword } from './password.hasher';
import { SignInLock, SignInThrottleRepository, ThrottleSubject } from './sign-in-throttle.repository';
import { FORGET_AFTER_SECONDS, isLocked, lockSecondsAfter, retryAfterSeconds } from './sign-in-throttle.rules';

export type SignInOutcome =
  | { outcome: 'signed_in'; userId: string }
  /** A wrong password or an unknown name; `accountId` only when the name is a real account's. */
  | { outcome: 'failed'; accountId?: string }
  /** Refused unchecked: the address (or the account) is locked for `retryAfterSeconds` more. */
  | { outcome: 'locked'; scope: 'account' | 'address'; accountId?: string; retryAfterSeconds: number };

/**
 * Console sign-in that resists guessing: failures in a row lock the account and the client
 * address for a growing while (sign-in-throttle.rules.ts; counts in PostgreSQL, shared by every
 * instance). While the address is locked nothing is checked; while the account is, the password
 * is still hashed (a locked account answers as slowly as any other) but never accepted.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly throttle: SignInThrottleRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async attempt(username: string, password: string, address: string): Promise<SignInOutcome> {
    const now = this.clock.now();
    const byAddress: ThrottleSubject = { kind: 'address', subject: address.slice(0, 64) };
    const [addressState] = await this.throttle.find([byAddress]);
    if (isLocked(addressState?.lockedUntil, now)) {
      return { outcome: 'locked', scope: 'address', retryAfterSeconds: retryAfterSeconds(addressState.lockedUntil!, now) };
    }
    const account = await this.sessions.findAccount(username);
    const byAccount: ThrottleSubject | undefined = account && { kind: 'account', subject: account.id };
    const [accountState] = byAccount ? await this.throttle.find([byAccount]) : [];
    const matches = await verifyPassword(password, account?.passwordHash ?? DECOY_HASH);
    if (isLocked(accountState?.lockedUntil, now)) {
      return {
        outcome: 'locked',
        scope: 'account',
        accountId: account!.id,
        retryAfterSeconds: retryAfterSeconds(accountState.lockedUntil!, now),
      };
    }
    const subjects = byAccount ? [byAddress, byAccount] : [byAddress];
    if (matches && account) {
      await this.throttle.clear(subjects);
      return { outcome: 'signed_in', userId: account.id };
    }
    await Promise.all(subjects.map((subject) => this.countFailure(subject, now)));
    return { outcome: 'failed', accountId: account?.id };
  }

  /** An admin's unlock of an account or an address: the count starts over. False if it had none. */
  unlock(subject: ThrottleSubject): Promise<boolean> {
    return this.throttle.clear([subject]);
  }

  /** The locks in force now. */
  locks(): Promise<SignInLock[]> {
    return this.throttle.locked(this.clock.now());
  }

  private async countFailure(subject: ThrottleSubject, now: Date): Promise<void> {
    const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000);
    const failures = await this.throttle.countFailure(subject, now, forgetBefore);
    const seconds = lockSecondsAfter(failures, this.config.auth.signIn[subject.kind]);
    if (seconds > 0) await this.throttle.lock(subject, new Date(now.getTime() + seconds * 1000));
  }
}
