import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { Request } from 'express';

/**
 * Sign-in posts per minute from one address (`SIGN_IN_ATTEMPTS_PER_MINUTE`), whatever their
 * outcome: @nestjs/throttler, per instance. It caps the scrypt work one client can ask for; the
 * lock after failures in a row (SignInService) is what stops guessing. A refusal is audited.
 */
@Injectable()
export class SignInRateGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const request = context.switchToHttp().getRequest<Request>();
    request.audit = { action: 'console.signIn', code: 'SIGN_IN_RATE_LIMITED' };
    return super.throwThrottlingException(context, detail);
  }
}
