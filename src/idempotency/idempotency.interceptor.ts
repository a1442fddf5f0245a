import { CallHandler, ExecutionContext, HttpStatus, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Readable } from 'node:stream';
import { Request, Response } from 'express';
import { catchError, concatMap, from, Observable, of } from 'rxjs';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { IdempotencyKeyRepository, KeyOf } from './idempotency-key.repository';
import {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_TTL_MS,
  IDEMPOTENT_FILE,
  IDEMPOTENT_FILE_MAX_BYTES,
  keyProblem,
  requestFingerprint,
  secondSight,
} from './idempotency.rules';

/** Another request with this key is acting: the caller retries after a second and gets its answer. */
class KeyInProgressError extends DomainError {
  readonly retryAfterSeconds = 1;

  constructor(key: string) {
    super(
      'IDEMPOTENCY_KEY_IN_PROGRESS',
      `a request with ${IDEMPOTENCY_HEADER} "${key}" has not answered yet; retry to receive its answer`,
      HttpStatus.CONFLICT,
      [{ field: IDEMPOTENCY_HEADER, reason: 'is held by a request still acting' }],
    );
  }
}

/**
 * `Idempotency-Key` on the routes marked `@Idempotent()`: the first request with a key acts and
 * its answer is kept for 24 h; the same key with the same request answers that again without
 * acting; with another request it is a 422 naming the key. The database decides who acts: the
 * key is claimed by an insert before the handler runs, so of concurrent duplicates one acts and
 * the others are told it is in progress (409, Retry-After) and then get its answer.
 *
 * Only a success is kept. A failure releases the key: the handlers' writes are transactional, so
 * nothing acted and the caller may correct the request and send it again with the same key.
 * A process that dies after its handler committed and before its answer was kept leaves the key
 * `running` until it expires: Herald cannot know whether it acted, so it answers 409 rather than
 * risk acting twice (docs: README, "Idempotency keys").
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly keys: IdempotencyKeyRepository,
    private readonly clock: Clock,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const value = request.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (value === undefined || !request.principal) return next.handle();
    const problem = keyProblem(value);
    if (problem)
      throw new DomainError('IDEMPOTENCY_KEY_INVALID', `${problem.field} ${problem.reason}`, HttpStatus.BAD_REQUEST, [problem]);

    const key = value as string;
    const held: KeyOf = { principalId: request.principal.userId, key };
    let body: unknown = request.body;
    if (this.reflector.get<boolean>(IDEMPOTENT_FILE, context.getHandler())) {
      const file = await readFile(request, key);
      request.idempotentFile = file;
      // The file's bytes and how they are to be read (CSV or NDJSON): the same file as another type is another request.
      body = Buffer.concat([Buffer.from(`${request.headers['content-type'] ?? ''}\n`), file]);
    }
    const hash = requestFingerprint(request.method, request.originalUrl, body);
    const now = this.clock.now();
    // Twice at most: a key released between our claim and our look is free again.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await this.keys.claim(held, hash, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS)))
        return this.act(held, next, response);
      const first = await this.keys.find(held);
      if (!first) continue;
      const seen = secondSight(first, hash);
      if (seen.kind === 'mismatch') {
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          `${IDEMPOTENCY_HEADER} "${key}" was used in the last 24 h for a different request (another body or endpoint)`,
          HttpStatus.UNPROCESSABLE_ENTITY,
          [{ field: IDEMPOTENCY_HEADER, reason: 'was first used for a different request' }],
        );
      }
      if (seen.kind === 'in_progress') throw new KeyInProgressError(key);
      response.status(seen.status);
      response.setHeader('Idempotent-Replayed', 'true');
      return of(seen.body);
    }
    throw new KeyInProgressError(key);
  }

  private act(held: KeyOf, next: CallHandler, response: Response): Observable<unknown> {
    return next.handle().pipe(
      // The handler failed: nothing was done, the key is free again.
      catchError((error: unknown) =>
        from(
          this.keys.release(held).then(
            () => Promise.reject(error),
            (releaseError: unknown) => {
              this.logger.error({ err: releaseError }, 'could not release an idempotency key');
              return Promise.reject(error);
            },
          ),
        ),
      ),
      // The handler acted: its answer goes out even if it cannot be kept (the key then stays
      // `running`, refusing retries, rather than be released and let one act twice).
      concatMap((body) =>
        from(
          this.keys.complete(held, response.statusCode, body).then(
            () => body,
            (keepError: unknown) => {
              this.logger.error({ err: keepError }, 'could not keep the answer of an idempotent request');
              return body;
            },
          ),
        ),
      ),
    );
  }
}

/**
 * A file upload's whole body, refused past IDEMPOTENT_FILE_MAX_BYTES (413 naming the header). The
 * rest of a refused file is drained, not cut off, so the refusal reaches the caller.
 */
function readFile(request: Readable, key: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= IDEMPOTENT_FILE_MAX_BYTES) chunks.push(chunk);
    });
    request.on('error', reject);
    request.on('end', () => {
      if (size <= IDEMPOTENT_FILE_MAX_BYTES) return resolve(Buffer.concat(chunks));
      reject(
        new DomainError(
          'IDEMPOTENCY_FILE_TOO_LARGE',
          `with ${IDEMPOTENCY_HEADER} "${key}" a file may be at most ${IDEMPOTENT_FILE_MAX_BYTES / 1024 / 1024} MB; ` +
            'send a larger one without the header, or in parts',
          HttpStatus.PAYLOAD_TOO_LARGE,
          [{ field: IDEMPOTENCY_HEADER, reason: 'is taken only with files up to the limit' }],
        ),
      );
    });
  });
}

/** The body a file route reads: the bytes an idempotent request's key was checked with, or the stream itself. */
export function uploadedFile(request: Request): Readable {
  return request.idempotentFile ? Readable.from([request.idempotentFile]) : request;
}
