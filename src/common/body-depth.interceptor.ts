import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { ValidationFailedError } from './domain-error';

/** Deeper than any body Herald takes; far shallower than what exhausts the validator's stack. */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses absurdly nested JSON before validation walks it (recursively, to a stack overflow and
 * a 500). Measured without recursion for the same reason.
 */
@Injectable()
export class BodyDepthInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    if (depthExceeds(body, MAX_BODY_DEPTH)) {
      throw new ValidationFailedError([{ field: 'body', reason: `is nested deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
    return next.handle();
  }
}

export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}
