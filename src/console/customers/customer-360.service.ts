import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { listScopeOf } from '../../auth/agent-access.service';
import { disclose } from '../../auth/personal-data.rules';
import { Principal } from '../../auth/role';
import { NotFoundError } from '../../common/domain-error';
import { ConsentService } from '../../compliance/consent.service';
import { EligibilityService } from '../../compliance/eligibility.service';
import { CHANNELS } from '../../compliance/policy.types';
import { Customer } from '../../customers/customer.entity';
import { CustomersService } from '../../customers/customers.service';
import { SearchCustomersDto } from '../../customers/dto/search-customers.dto';
import { Customer360Repository } from './customer-360.repository';
import { reachabilityAnswer, ReachabilityAnswer } from './reachability-answer.rules';

/** How many of the ledger's latest entries the page shows (the timeline has them all). */
const LEDGER_ROWS = 20;
/** A search box finds a handful of people, not a list to page through. */
const SEARCH_ROWS = 20;

/**
 * The customer 360: who they are (masked as a list shows them, per role), their card and
 * balances, open fraud cases, agent tasks and work orders, consent per channel and scope with
 * the ledger, and "can we contact them now?" for every purpose on every channel with the caps
 * used — the policy's own answer (EligibilityService.overview), as the API gives it.
 */
@Injectable()
export class Customer360Service {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly customers: CustomersService,
    private readonly eligibility: EligibilityService,
    private readonly consent: ConsentService,
    private readonly open: Customer360Repository,
  ) {}

  /** One search box (phone as written, name, reference, card's last four); an agent finds only the customers of its tasks. */
  async search(text: string, viewer: Principal) {
    const query = Object.assign(new SearchCustomersDto(), { q: text, limit: SEARCH_ROWS, offset: 0 });
    const page = await this.customers.search(query, listScopeOf(viewer));
    return {
      items: page.items.map((customer) => disclose('customer', 'list', viewer.role, customer)),
      more: page.total > SEARCH_ROWS,
      total: page.total,
    };
  }

  /** "Can we contact them now?", the policy's answer in words; fraud decisions are for their open case (or a new one). */
  async reachability(customerId: string, viewerZone: string): Promise<ReachabilityAnswer> {
    const [openCase] = await this.open.fraudCases(customerId);
    const overview = await this.eligibility.overview(customerId, {
      // With no case open, a fraud alert would be for a new one: no earlier case's alerts count against it.
      fraudEventRef: openCase?.id ?? 'new-fraud-case',
    });
    return reachabilityAnswer(overview, viewerZone, openCase?.id);
  }

  async view(customerId: string, viewer: Principal, viewerZone: string) {
    const customer = await this.db.getRepository(Customer).findOneBy({ id: customerId });
    if (!customer) throw new NotFoundError('customer', customerId);
    const [fraudCases, tasks, workOrders, consent, reachability] = await Promise.all([
      this.open.fraudCases(customerId),
      this.open.tasks(customerId),
      this.open.workOrders(customerId),
      this.consent.overview(customerId, { limit: LEDGER_ROWS, offset: 0 }),
      this.reachability(customerId, viewerZone),
    ]);
    return {
      customer: disclose('customer', 'list', viewer.role, customer),
      fraudCases,
      tasks,
      workOrders,
      consent: CHANNELS.map((channel) => ({ channel, ...consent.current[channel] })),
      ledger: consent.history,
      reachability,
    };
  }
}
