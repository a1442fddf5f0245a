import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError } from './domain-error';

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
    const correlationId = String(request.id ?? '');
    const [status, error] = describeError(exception);
    if (request.audit) request.audit.code = error.code;
    if (status >= 500) this.logger.error({ err: exception, correlationId }, 'request failed');
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
  return [HttpStatus.INTERNAL_SERVER_ERROR, { code: 'INTERNAL_ERROR', message: 'something went wrong on our side' }];
}
