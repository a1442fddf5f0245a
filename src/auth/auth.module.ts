import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyService } from './api-key.service';
import { AuthGuard } from './auth.guard';
import { ConsoleSessions } from './console-sessions';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController],
  providers: [ApiKeyService, UsersService, ConsoleSessions, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [UsersService, ConsoleSessions],
})
export class AuthModule {}
