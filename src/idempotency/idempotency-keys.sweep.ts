import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { IdempotencyKeyRepository } from './idempotency-key.repository';

/** Keys are remembered 24 h; the sweep forgets the ones past that (any instance may run it). */
@Injectable()
export class IdempotencyKeysSweep {
  private readonly logger = new Logger('IdempotencyKeys');

  constructor(
    private readonly keys: IdempotencyKeyRepository,
    private readonly clock: Clock,
  ) {}

  @Interval('idempotency-keys', 60 * 60 * 1000)
  async tick(): Promise<void> {
    try {
      await this.keys.deleteExpired(this.clock.now());
    } catch (error) {
      this.logger.error({ error: (error as Error).message }, 'could not forget expired idempotency keys');
    }
  }
}
