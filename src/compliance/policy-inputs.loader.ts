import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LocalWindow } from '../customers/customer.entity';
import { ConsentService } from './consent.service';
import { ContactHistoryRepository } from './contact-history.repository';
import { DoNotContactService } from './do-not-contact.service';
import { ConsentState, ContactHistory, CustomerSnapshot } from './policy.types';
import { sql } from '../database/sql';

export interface PolicyInputs {
  customer: CustomerSnapshot;
  history: ContactHistory;
  consent: ConsentState;
}

/** What the policy needs to know of many customers, in four set-based queries whatever their number. */
@Injectable()
export class PolicyInputsLoader {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly histories: ContactHistoryRepository,
    private readonly consent: ConsentService,
    private readonly list: DoNotContactService,
  ) {}

  /**
   * Customers that do not exist are absent from the result. With `historyUpTo` (a decision about
   * the past) the contact log, the consent ledger and the list are read as they stood then; the
   * profile has no history and is read as it is.
   */
  async load(customerIds: readonly string[], now: Date, historyUpTo?: Date): Promise<Map<string, PolicyInputs>> {
    const ids = [...new Set(customerIds)];
    const [snapshots, histories, ledger, listed] = await Promise.all([
      this.snapshots(ids),
      this.histories.summarise(ids, now, historyUpTo),
      this.consent.currentState(ids, historyUpTo),
      this.list.listedFor(ids, historyUpTo),
    ]);
    const inputs = new Map<string, PolicyInputs>();
    for (const customer of snapshots) {
      inputs.set(customer.id, {
        customer,
        history: histories.get(customer.id)!,
        consent: { ...ledger.get(customer.id)!, doNotContact: listed.get(customer.id) ?? { phone: false, email: false } },
      });
    }
    return inputs;
  }

  private snapshots(ids: string[]): Promise<CustomerSnapshot[]> {
    return sql<CustomerSnapshot & { inconvenientTimes: LocalWindow[] }>(
      this.db,
      `SELECT id, country, timezone, phone, email, contact_window AS "contactWindow", inconvenient_times AS "inconvenientTimes",
              mute_until AS "muteUntil", marketing_mute_until AS "marketingMuteUntil"
         FROM customers WHERE id = ANY ($1::uuid[])`,
      [ids],
    );
  }
}
