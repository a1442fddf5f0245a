import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { auditAction } from '../audit/audit.recorder';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { AgentAccessService } from './agent-access.service';
import { ApiKeyService } from './api-key.service';
import {
  ConsoleSession,
  ConsoleSessions,
  CSRF_FIELD,
  CSRF_HEADER,
  readCookie,
  sameToken,
  sessionCookieName,
} from './console-sessions';
import { Principal, Role } from './role';
import { AGENT_SCOPE_KEY, AgentScopeDeclaration, CONSOLE_KEY, PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Default-deny: an endpoint is reachable only if it says who may reach it. Admins may reach
 * every endpoint that declares roles; nobody reaches one that declares none. The API knows
 * people by their key; console pages by their session cookie (and check its CSRF token).
 * Routes that name a customer or a fraud case declare `@AgentScope`: an agent reaches them only
 * through a task it holds (AgentAccessService).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly sessions: ConsoleSessions,
    private readonly config: AppConfig,
    private readonly access: AgentAccessService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request>();
    request.audit = { action: auditAction(context) };
    const principal = this.reflector.getAllAndOverride<boolean>(CONSOLE_KEY, targets)
      ? await this.consoleSession(request)
      : await this.apiKey(request);
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles) throw new DomainError('ENDPOINT_NOT_OPEN', 'this endpoint declares no roles and is closed', HttpStatus.FORBIDDEN);
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new DomainError('FORBIDDEN_FOR_ROLE', `role ${principal.role} may not do this`, HttpStatus.FORBIDDEN);
    }
    const scope = this.reflector.getAllAndOverride<AgentScopeDeclaration | undefined>(AGENT_SCOPE_KEY, targets);
    if (scope?.customer) await this.access.assertCustomer(principal, String(request.params[scope.customer]));
    if (scope?.fraudCase) await this.access.assertFraudCase(principal, String(request.params[scope.fraudCase]));
    return true;
  }

  private async apiKey(request: Request): Promise<Principal> {
    const key = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const principal = await this.keys.authenticate(key, request.ip ?? '');
    if (!principal) {
      throw new DomainError('UNAUTHENTICATED', 'send a valid API key as "Authorization: Bearer <key>"', HttpStatus.UNAUTHORIZED);
    }
    return principal;
  }

  private async consoleSession(request: Request): Promise<ConsoleSession> {
    const token = readCookie(request.headers.cookie, sessionCookieName(this.config));
    const session = token ? await this.sessions.resume(token) : undefined;
    if (!session) throw new DomainError('SIGN_IN_REQUIRED', 'sign in to the console first', HttpStatus.UNAUTHORIZED);
    request.consoleSession = session;
    if (!SAFE_METHODS.has(request.method)) {
      const body = request.body as Record<string, unknown> | undefined;
      const sent = typeof body?.[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : request.headers[CSRF_HEADER];
      if (!sameToken(typeof sent === 'string' ? sent : undefined, session.csrfToken)) {
        throw new DomainError(
          'CSRF_TOKEN_INVALID',
          'the form is missing its CSRF token or it is stale: reload the page',
          HttpStatus.FORBIDDEN,
        );
      }
      // The token has done its work; the form's DTO must not see it as an unknown field.
      if (body) delete body[CSRF_FIELD];
    }
    return session;
  }
}
