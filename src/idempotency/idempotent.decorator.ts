import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_HEADER } from './idempotency.rules';

/**
 * A POST that contacts customers or records a money or consent fact takes an `Idempotency-Key`
 * (IdempotencyInterceptor): a retry after a timeout answers what the first request answered and
 * does not act twice.
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        'A key of your choosing (1–255 visible ASCII characters, a UUID say) that makes a retry safe: for 24 h the same ' +
        'key with the same request answers the first success again (header `Idempotent-Replayed: true`) without acting.',
      schema: { type: 'string', pattern: '^[!-~]{1,255}$' },
    }),
    ApiConflictResponse({ description: 'IDEMPOTENCY_KEY_IN_PROGRESS: a request with this key is still acting; retry later' }),
    ApiUnprocessableEntityResponse({ description: 'IDEMPOTENCY_KEY_REUSED: the key was used for a different request' }),
  );
