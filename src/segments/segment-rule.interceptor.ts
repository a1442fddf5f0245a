import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { parseSegmentRule } from './segment-rule.parser';

/**
 * Validates a body's `rule` as the client sent it, before the validation pipe runs. The pipe
 * silently deletes `__proto__`, `constructor` and `prototype` keys and walks the body
 * recursively: a hostile rule would be quietly rewritten, and one nested thousands deep would
 * exhaust the stack. Here it is refused with its path instead, within the depth limit.
 */
@Injectable()
export class SegmentRuleInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body: unknown = context.switchToHttp().getRequest<Request>().body;
    if (typeof body === 'object' && body !== null && Object.prototype.hasOwnProperty.call(body, 'rule')) {
      parseSegmentRule((body as { rule: unknown }).rule);
    }
    return next.handle();
  }
}
