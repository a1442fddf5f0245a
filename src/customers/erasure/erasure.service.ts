import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../../auth/role';
import { Clock } from '../../common/clock';
import { DomainError, NotFoundError } from '../../common/domain-error';
import { AppConfig } from '../../config/app-config';
import { OutboxRepository } from '../../dispatch/outbox.repository';
import { ErasureRepository, Redacted } from './erasure.repository';
import { keyedHash, personalValues } from './erasure.rules';

export interface ErasureReport {
  customerId: string;
  erasedAt: string;
  /** Rows redacted per table; `contact_tasks_withdrawn` counts contacts that will no longer go. */
  redacted: Redacted;
}

/**
 * Erases a customer in one transaction: queued contacts withdrawn, every personal value in their
 * history replaced by its keyed hash (message bodies dropped whole), the profile emptied, and
 * the erasure recorded with who asked and why. Afterwards the customer has no address — nothing
 * can reach them — and no search by phone or e-mail finds them.
 */
@Injectable()
export class ErasureService {
  private readonly key: string | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: ErasureRepository,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.key = config.erasureHashKey;
  }

  async erase(customerId: string, reason: string, principal: Principal): Promise<ErasureReport> {
    const key = this.key;
    if (!key) {
      throw new DomainError(
        'ERASURE_NOT_CONFIGURED',
        'erasure needs ERASURE_HASH_KEY: the key of the hashes that replace personal values',
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const erasedAt = this.clock.now();
    return this.db.transaction(async (manager) => {
      const customer = await this.store.lock(manager, customerId);
      if (!customer) throw new NotFoundError('customer', customerId);
      if (customer.erasedAt) {
        throw new DomainError('CUSTOMER_ALREADY_ERASED', `customer ${customerId} was erased already`, HttpStatus.CONFLICT);
      }
      const withdrawn = await this.outbox.withdraw(
        manager,
        { customers: [customerId] },
        { status: 'cancelled', reason: { code: 'CUSTOMER_ERASED' }, claimed: true },
      );
      const values = personalValues(customer);
      const tokens = values.map((value) => keyedHash(key, value));
      const redacted = {
        ...(await this.store.redactHistory(manager, customerId, values, tokens)),
        contact_tasks_withdrawn: withdrawn,
      };
      await this.store.eraseProfile(
        manager,
        customerId,
        { name: keyedHash(key, customer.fullName), ref: keyedHash(key, customer.externalRef) },
        erasedAt,
      );
      await this.store.record(manager, { customerId, erasedBy: principal.userId, reason, redacted, erasedAt });
      return { customerId, erasedAt: erasedAt.toISOString(), redacted };
    });
  }
}
