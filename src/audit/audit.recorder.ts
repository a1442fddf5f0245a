import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor, NestMiddleware } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NextFunction, Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { DataSource } from 'typeorm';
import { sql } from '../database/sql';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface AuditNote {
  action: string;
  target?: string;
  /** A read that is audited too: an export of personal data. */
  read?: boolean;
  /** The error code the request ended with; set by the exception filters. */
  code?: string;
}

/** Names a request's action as `controller.handler` (set by the guard, so refusals are named too). */
export function auditAction(context: ExecutionContext): string {
  const controller = context.getClass().name.replace(/Controller$/, '');
  return `${controller.charAt(0).toLowerCase()}${controller.slice(1)}.${context.getHandler().name}`;
}

/** Adds the id of what a request created when the path did not name it. */
@Injectable()
export class AuditTargetInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      tap((result) => {
        const id = (result as { id?: unknown } | undefined)?.id;
        if (request.audit && !request.audit.target && (typeof id === 'string' || typeof id === 'number')) {
          request.audit.target = String(id);
        }
      }),
    );
  }
}

/**
 * Every state-changing request that reached authentication — every export of personal data, and
 * every refusal (401, 403), reads included — is written once it has finished, whatever its
 * outcome: who, what, on what, the status, the error code, the correlation id.
 */
@Injectable()
export class AuditMiddleware implements NestMiddleware {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  use(request: Request, response: Response, next: NextFunction): void {
    response.once('finish', () => void this.record(request, response.statusCode));
    next();
  }

  private async record(request: Request, status: number): Promise<void> {
    const note = request.audit;
    if (!note || !(STATE_CHANGING.has(request.method) || note.read || status === 401 || status === 403)) return;
    const target = note.target ?? (Object.keys(request.params ?? {}).length ? Object.values(request.params).join('/') : null);
    try {
      await sql(
        this.db,
        `INSERT INTO audit_events (actor_id, actor_role, action, target, status, code, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          request.principal?.userId ?? null,
          request.principal?.role ?? null,
          note.action,
          target,
          status,
          status >= 400 ? (note.code ?? null) : null,
          String(request.id),
        ],
      );
    } catch (error) {
      this.logger.error({ err: error, correlationId: request.id }, 'could not write the audit event');
    }
  }
}
