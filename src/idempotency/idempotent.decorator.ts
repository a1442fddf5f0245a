import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiPayloadTooLargeResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_HEADER, IDEMPOTENT_FILE, IDEMPOTENT_FILE_MAX_BYTES } from './idempotency.rules';

/**
 * A POST that contacts customers or records a money or consent fact takes an `Idempotency-Key`
 * (IdempotencyInterceptor): a retry after a timeout answers what the first request answered and
 * does not act twice.
 */
export const Idempotent = (options: { file?: boolean } = {}) =>
  applyDecorators(
    // A file upload's body is a stream the handler reads: with a key, the interceptor reads it
    // first (to know whether a retry sends the same file) and hands the handler the bytes.
    ...(options.file
      ? [
          SetMetadata(IDEMPOTENT_FILE, true),
          ApiPayloadTooLargeResponse({
            description: `IDEMPOTENCY_FILE_TOO_LARGE: with ${IDEMPOTENCY_HEADER}, a file of at most ${IDEMPOTENT_FILE_MAX_BYTES / 1024 / 1024} MB`,
          }),
        ]
      : []),
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
