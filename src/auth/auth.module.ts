import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AgentAccessRepository } from './agent-access.repository';
import { AgentAccessService } from './agent-access.service';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { ConsoleSessions } from './console-sessions';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Global: every feature's routes and services ask AgentAccessService the one object-level question. */
@Global()
@Module({
  controllers: [UsersController],
  providers: [
    ApiKeyService,
    UsersService,
    ConsoleSessions,
    AgentAccessRepository,
    AgentAccessService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService, ConsoleSessions, AgentAccessService],
})
export class AuthModule {}
