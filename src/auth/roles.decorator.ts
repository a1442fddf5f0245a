import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuditTargetInterceptor } from '../audit/audit.recorder';
import { ListScope, listScopeOf } from './agent-access.service';
import { Principal, Role } from './role';

export const ROLES_KEY = 'herald:roles';
export const PUBLIC_KEY = 'herald:public';
export const CONSOLE_KEY = 'herald:console';
export const AGENT_SCOPE_KEY = 'herald:agent-scope';

/**
 * Declares who may call an endpoint. An endpoint that declares nothing is refused to everyone.
 * What such an endpoint does is audited, so it names what it created (AuditTargetInterceptor);
 * public endpoints (Twilio's webhooks, the busiest) are not, and skip the interceptor's cost.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    UseInterceptors(AuditTargetInterceptor),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'no key, or an unknown or revoked key' }),
    ApiForbiddenResponse({ description: `only for ${roles.join(', ')}` }),
  );

/** For endpoints that authenticate some other way (probes, signed webhooks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Console pages: the person is known by their session cookie, not an API key, and every
 * state-changing request must carry the session's CSRF token. Roles apply as elsewhere.
 */
export const ConsoleSessionAuth = () => SetMetadata(CONSOLE_KEY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);

/** Which route parameter names the customer, fraud case or agent task an agent may reach only through its own work. */
export interface AgentScopeDeclaration {
  customer?: string;
  fraudCase?: string;
}

/**
 * Object-level access for agents (AgentAccessService, agent-access.rules.ts): the guard lets an
 * agent through only to the customer of a task it holds, or a fraud case one of its tasks covers;
 * the refusal is a 403 with a stable code. Other roles pass as their roles allow.
 */
export const AgentScope = (scope: AgentScopeDeclaration) =>
  applyDecorators(
    SetMetadata(AGENT_SCOPE_KEY, scope),
    ApiForbiddenResponse({ description: 'NOT_YOUR_CUSTOMER / NOT_YOUR_CASE: an agent holds no task for it' }),
  );

/** For list endpoints: an agent reads only the rows of its own tasks (undefined: every row). */
export const ScopeOfList = createParamDecorator((_: unknown, context: ExecutionContext): ListScope | undefined =>
  listScopeOf(context.switchToHttp().getRequest().principal),
);
