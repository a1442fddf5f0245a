import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from './domain-error';

/** Deeper than any body Herald takes; far shallower than what exhausts the validator's stack. */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses absurdly nested bodies before validation walks them (recursively, to a stack overflow
 * and a 500), and a NUL character anywhere in a body, query or path (PostgreSQL stores no NUL in
 * text: it would be a 500 later). A pipe rather than an interceptor: every interceptor costs every
 * request, the busy Twilio webhooks included, an rxjs chain and async-context bindings.
 */
class DepthLimitedValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && depthExceeds(value, MAX_BODY_DEPTH)) {
      throw new ValidationFailedError([{ field: 'body', reason: `is nested deeper than ${MAX_BODY_DEPTH} levels` }]);
    }
    if (metadata.type !== 'custom') {
      const at = nulAt(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (at !== undefined)
        throw new ValidationFailedError([{ field: at || metadata.type, reason: 'must not contain NUL characters' }]);
    }
    return super.transform(value, metadata);
  }
}

/** The dotted path of the first string (or key) holding a NUL character, if any; without recursion. */
export function nulAt(value: unknown, root = ''): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\0')) return path;
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    for (const [key, child] of Object.entries(item)) {
      const at = path ? `${path}.${key}` : key;
      if (key.includes('\0')) return at;
      stack.push([child, at]);
    }
  }
  return undefined;
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
