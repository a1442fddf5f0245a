import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { Disclosure, DISCLOSES_KEY } from '../../src/auth/personal-data.interceptor';
import { Role } from '../../src/auth/role';
import { AGENT_SCOPE_KEY, AgentScopeDeclaration, CONSOLE_KEY, PUBLIC_KEY, ROLES_KEY } from '../../src/auth/roles.decorator';

/** A route of the running application, with what it declares about who may use it and what it shows. */
export interface RouteInfo {
  method: string;
  /** `/customers/:id`: the controller's path and the handler's, as Express matches them. */
  path: string;
  /** `GET /customers/:id`: how tables of expectations name it. */
  key: string;
  roles: Role[] | undefined;
  isPublic: boolean;
  /** Known by the console session cookie, not an API key. */
  console: boolean;
  disclosure: Disclosure | undefined;
  agentScope: AgentScopeDeclaration | undefined;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route every controller of the app declares, read from the same metadata the guard reads. */
export function routesOf(app: INestApplication): RouteInfo[] {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes: RouteInfo[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as unknown as { prototype: Record<string, () => void> };
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name];
        const method = Reflect.getMetadata(METHOD_METADATA, handler);
        if (method === undefined) continue;
        const targets = [handler, controller as unknown as () => void];
        const path = join(
          Reflect.getMetadata(PATH_METADATA, controller) ?? '',
          Reflect.getMetadata(PATH_METADATA, handler) ?? '',
        );
        routes.push({
          method: RequestMethod[method],
          path,
          key: `${RequestMethod[method]} ${path}`,
          roles: reflector.getAllAndOverride(ROLES_KEY, targets),
          isPublic: reflector.getAllAndOverride(PUBLIC_KEY, targets) === true,
          console: reflector.getAllAndOverride(CONSOLE_KEY, targets) === true,
          disclosure: reflector.get(DISCLOSES_KEY, handler),
          agentScope: reflector.getAllAndOverride(AGENT_SCOPE_KEY, targets),
        });
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

/** The path with each `:param` replaced by what `values` gives for it (by route, then by name). */
export function fillPath(route: RouteInfo, values: (route: RouteInfo, param: string) => string): string {
  return route.path.replace(/:(\w+)/g, (_, param: string) => encodeURIComponent(values(route, param)));
}
