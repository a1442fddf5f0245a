import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from './domain-error';

/** Deeper than any body Herald takes; far shallower than what exhausts the validator's stack. */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses absurdly nested bodies before validation walks them (recursively, to a stack overflow
 * and a 500). A pipe rather than an interceptor: every interceptor costs every request, the busy
 * Twilio webhooks included, an rxjs chain and async-context bindings.
 */
class DepthLimitedValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && depthExceeds(value, MAX_BODY_DEPTH)) {
      throw new ValidationFailedError([{ field: 'body', reason: `is nested deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
    return super.transform(value, metadata);
  }
}

/** Measured without recursion, for the same reason. */
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

/** Whitelist, refuse unknown fields, transform, refuse deep bodies — and say which field and why. */
export function validationPipe(): ValidationPipe {
  return new DepthLimitedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
  });
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([kind, message]) => ({
      field,
      reason: kind === 'whitelistValidation' ? 'is not an accepted field' : message.replace(`${error.property} `, ''),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
