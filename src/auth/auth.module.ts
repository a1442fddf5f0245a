import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { AgentAccessRepository } from './agent-access.repository';
import { AgentAccessService } from './agent-access.service';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { ConsoleSessions } from './console-sessions';
import { SignInLocksController } from './sign-in-locks.controller';
import { SignInRateGuard } from './sign-in-rate.guard';
import { SignInThrottleRepository } from './sign-in-throttle.repository';
import { SignInService } from './sign-in.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { UsersRepository } from './users.repository';
import { ApiKeysRepository } from './api-keys.repository';

/** Global: every feature's routes and services ask AgentAccessService the one object-level question. */
@Global()
@Module({
  imports: [
    // One in-memory throttler storage: sign-in posts per address, and API-key misses (ApiKeyService).
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.auth.signIn.attemptsPerMinute }],
      }),
    }),
  ],
  controllers: [UsersController, SignInLocksController],
  providers: [
    ApiKeysRepository,
    ApiKeyService,
    UsersRepository,
    UsersService,
    ConsoleSessions,
    AgentAccessRepository,
    AgentAccessService,
    SignInThrottleRepository,
    SignInService,
    SignInRateGuard,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [UsersService, ConsoleSessions, AgentAccessService, SignInService, SignInRateGuard, ThrottlerModule],
})
export class AuthModule {}
