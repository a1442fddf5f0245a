import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { correlationIdOf } from '../logging/correlation-id';
import { DomainError, FieldProblem } from './domain-error';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown[] };
  correlationId: string;
}

/** The one place errors become HTTP: stable codes out, internals of 500s kept in the log. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // Set before the logger ran when the body parser refused the request (413, 400).
    const correlationId = correlationIdOf(request, response);
    const [status, error] = describeError(exception);
    if (request.audit) request.audit.code = error.code;
    if (status >= 500) this.logger.error({ err: exception, correlationId }, 'request failed');
    else if (exception instanceof QueryFailedError) {
      // Input the validation let through and PostgreSQL refused: the client's fault, but worth a look.
      this.logger.warn({ code: databaseCode(exception), correlationId }, 'refused by the database');
    }
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') response.setHeader('Retry-After', String(retryAfter));
    const body: ErrorBody = { error, correlationId };
    response.status(status).json(body);
  }
}

/** An exception as a status and the error the client reads (codes, fields; never a 500's internals). */
export function describeError(exception: unknown): [number, ErrorBody['error']] {
  if (exception instanceof DomainError) {
    const details = exception.details.length ? { details: exception.details } : {};
    return [exception.status, { code: exception.code, message: exception.message, ...details }];
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
    return [status, { code: HttpStatus[status] ?? 'HTTP_ERROR', message }];
  }
  const refused = exception instanceof QueryFailedError ? databaseRefusal(exception) : undefined;
  if (refused) return refused;
  const parser = bodyParserError(exception);
  if (parser) return parser;
  return [HttpStatus.INTERNAL_SERVER_ERROR, { code: 'INTERNAL_ERROR', message: 'something went wrong on our side' }];
}

/**
 * The body parser's refusals (http-errors with an exposable 4xx status): a body over the size
 * limit is 413, unreadable JSON or an unknown charset 400, an unknown encoding 415.
 */
function bodyParserError(exception: unknown): [number, ErrorBody['error']] | undefined {
  const error = exception as { status?: unknown; expose?: unknown; type?: unknown; message?: unknown } | null;
  if (!error || typeof error.status !== 'number' || error.status < 400 || error.status >= 500 || error.expose !== true)
    return undefined;
  const status = error.status;
  const message =
    error.type === 'entity.too.large' ? 'the request body is larger than this endpoint takes' : String(error.message ?? '');
  return [status, { code: HttpStatus[status] ?? 'HTTP_ERROR', message }];
}

const databaseCode = (error: QueryFailedError) => (error as unknown as { code?: string }).code ?? '';

/** `Key (kind, value)=(…) already exists.` → `kind`, `value` (the values are never repeated: they may be personal). */
function keyFields(error: QueryFailedError): string[] {
  const detail = (error as unknown as { detail?: string }).detail ?? '';
  const columns = /^Key \(([^)]*)\)=/.exec(detail)?.[1] ?? '';
  return columns
    .split(',')
    .map((column) => column.trim().replace(/^lower\((.*)\)$/, '$1'))
    .filter((column) => /^[a-z_][a-z0-9_]*$/.test(column))
    .map((column) => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/**
 * What PostgreSQL refused that the validation should have: a duplicate (409, naming the
 * fields), a reference to nothing or a value it cannot take (400). Features still map the
 * conflicts they know to their own codes (SEGMENT_NAME_TAKEN); this keeps the rest from a 500.
 */
function databaseRefusal(error: QueryFailedError): [number, ErrorBody['error']] | undefined {
  const code = databaseCode(error);
  const details: FieldProblem[] = keyFields(error).map((field) => ({ field, reason: 'is taken' }));
  if (code === '23505') {
    return [
      HttpStatus.CONFLICT,
      { code: 'ALREADY_EXISTS', message: 'a record with these values exists', ...(details.length ? { details } : {}) },
    ];
  }
  if (code === '23503') {
    const missing = details.map((d) => ({ field: d.field, reason: 'refers to nothing that exists' }));
    return [
      HttpStatus.BAD_REQUEST,
      {
        code: 'UNKNOWN_REFERENCE',
        message: 'a value refers to nothing that exists',
        ...(missing.length ? { details: missing } : {}),
      },
    ];
  }
  if (code.startsWith('22')) {
    return [HttpStatus.BAD_REQUEST, { code: 'VALUE_NOT_ACCEPTED', message: 'a value is out of range or not of its kind' }];
  }
  return undefined;
}
