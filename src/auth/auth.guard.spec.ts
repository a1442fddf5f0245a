import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AgentAccessService } from './agent-access.service';
import { ApiKeyService } from './api-key.service';
import { AppConfig } from '../config/app-config';
import { AuthGuard } from './auth.guard';
import { ConsoleSessions } from './console-sessions';
import { Principal } from './role';
import { Public, Roles } from './roles.decorator';

@Controller()
class Endpoints {
  @Get() undeclared() {}
  @Get() @Roles('ops') forOps() {}
  @Get() @Public() open() {}
}

const principals: Record<string, Principal> = {
  'admin-key': { userId: 'u1', username: 'root', role: 'admin' },
  'ops-key': { userId: 'u2', username: 'o', role: 'ops' },
  'agent-key': { userId: 'u3', username: 'a', role: 'agent' },
};
const keys = { authenticate: async (key?: string) => (key ? principals[key] : undefined) } as unknown as ApiKeyService;
// Console sessions are exercised end to end in test/browser and test/e2e/console.e2e.spec.ts.
const guard = new AuthGuard(new Reflector(), keys, {} as ConsoleSessions, {} as AppConfig, {} as AgentAccessService);

function call(handler: keyof Endpoints, key?: string) {
  const request = { headers: key ? { authorization: `Bearer ${key}` } : {} };
  const context = {
    getHandler: () => Endpoints.prototype[handler],
    getClass: () => Endpoints,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return guard.canActivate(context).then(
    () => 'allowed',
    (error) => `${error.status} ${error.code}`,
  );
}

describe('AuthGuard', () => {
  it('refuses an endpoint that declares no roles, even to an admin', async () => {
    expect(await call('undeclared', 'admin-key')).toBe('403 ENDPOINT_NOT_OPEN');
  });

  it('lets the declared role and admins in, and nobody else', async () => {
    expect(await call('forOps', 'ops-key')).toBe('allowed');
    expect(await call('forOps', 'admin-key')).toBe('allowed');
    expect(await call('forOps', 'agent-key')).toBe('403 FORBIDDEN_FOR_ROLE');
  });

  it('answers a missing or unknown key with 401', async () => {
    expect(await call('forOps')).toBe('401 UNAUTHENTICATED');
    expect(await call('forOps', 'stolen-key')).toBe('401 UNAUTHENTICATED');
  });

  it('lets anyone reach a public endpoint', async () => {
    expect(await call('open')).toBe('allowed');
  });
});
