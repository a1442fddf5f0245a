import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { auditAction } from '../audit/audit.recorder';
import { DomainError } from '../common/domain-error';
import { ApiKeyService } from './api-key.service';
import { Role } from './role';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/**
 * Default-deny: an endpoint is reachable only if it says who may reach it. Admins may reach
 * every endpoint that declares roles; nobody reaches one that declares none.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request>();
    request.audit = { action: auditAction(context) };
    const key = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const principal = key ? await this.keys.authenticate(key) : undefined;
    if (!principal) {
      throw new DomainError('UNAUTHENTICATED', 'send a valid API key as "Authorization: Bearer <key>"', HttpStatus.UNAUTHORIZED);
    }
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles) throw new DomainError('ENDPOINT_NOT_OPEN', 'this endpoint declares no roles and is closed', HttpStatus.FORBIDDEN);
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new DomainError('FORBIDDEN_FOR_ROLE', `role ${principal.role} may not do this`, HttpStatus.FORBIDDEN);
    }
    return true;
  }
}
