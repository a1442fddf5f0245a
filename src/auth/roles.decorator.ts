import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Principal, Role } from './role';

export const ROLES_KEY = 'herald:roles';
export const PUBLIC_KEY = 'herald:public';

/** Declares who may call an endpoint. An endpoint that declares nothing is refused to everyone. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'no key, or an unknown or revoked key' }),
    ApiForbiddenResponse({ description: `only for ${roles.join(', ')}` }),
  );

/** For endpoints that authenticate some other way (probes, signed webhooks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);
