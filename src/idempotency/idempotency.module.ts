import { Global, Module } from '@nestjs/common';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyKeysSweep } from './idempotency-keys.sweep';

/** Global: `@Idempotent()` routes in every feature module resolve the interceptor's repository here. */
@Global()
@Module({
  providers: [IdempotencyKeyRepository, IdempotencyInterceptor, IdempotencyKeysSweep],
  exports: [IdempotencyKeyRepository, IdempotencyInterceptor],
})
export class IdempotencyModule {}
