import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Principal } from '../auth/role';
import { NotFoundError, ValidationFailedError } from '../common/domain-error';
import { EventOutbox } from '../events/event-outbox.repository';
import { NewEvent } from '../events/event-types';
import { Page, PageQuery } from '../common/pagination';
import { ConsentEvent, ConsentScope, ConsentSource } from './consent-event.entity';
import { RecordConsentDto } from './dto/record-consent.dto';
import { Channel, ConsentLedgerState, ConsentValue } from './policy.types';
import { ConsentLedgerRepository } from './consent-ledger.repository';
import { customerExists, lockCustomer } from '../customers/customer-row.repository';

export interface NewConsentEvent {
  customerId: string;
  channel: Channel;
  scope: ConsentScope;
  state: ConsentValue;
  source: ConsentSource;
  /** Message id, keyword, agent note…: what proves the change. */
  evidence?: Record<string, unknown>;
  actorId?: string | null;
  /** When the customer said it; the clock's now when absent. */
  at?: Date;
}

export interface RecordedConsent {
  event: ConsentEvent;
  /** The customer's state for this channel and scope was different before (send one confirmation). */
  changed: boolean;
}

export interface ConsentOverview {
  customerId: string;
  current: ConsentLedgerState;
  history: Page<ConsentEvent>;
}

/** A consent time a little ahead of ours is clock skew; further ahead it is a mistake. */
const SKEW_MS = 60_000;

const emptyLedgerState = (): ConsentLedgerState => ({
  sms: { all: null, marketing: null },
  email: { all: null, marketing: null },
  call: { all: null, marketing: null },
});

/**
 * The consent ledger. Every change of mind is a new entry (the table refuses updates and
 * deletes); the current state of a channel and scope is its latest entry.
 */
@Injectable()
export class ConsentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ledger: ConsentLedgerRepository,
    private readonly clock: Clock,
    private readonly events: EventOutbox,
  ) {}

  /**
   * Appends a consent change: for agents, one-click unsubscribes, the provider's own opt-out
   * (Twilio 21610) and the API (the inbound SMS keywords write theirs in the statement that keeps
   * the message: InboundMessageStore). Concurrent changes for one customer are taken one at a
   * time, so `changed` is true for exactly one of two simultaneous changes to the same state.
   */
  async record(input: NewConsentEvent, manager?: EntityManager): Promise<RecordedConsent> {
    if (!manager) return this.db.transaction((m) => this.record(input, m));
    if (!(await lockCustomer(manager, input.customerId))) throw new NotFoundError('customer', input.customerId);
    const { event, changed } = await this.ledger.append(manager, {
      customerId: input.customerId,
      channel: input.channel,
      scope: input.scope,
      state: input.state,
      source: input.source,
      evidence: input.evidence ?? {},
      actorId: input.actorId ?? null,
      at: input.at ?? this.clock.now(),
    });
    // Subscribers hear of a change of mind, not of the same word said again.
    if (changed) await this.events.record(manager, [consentChanged(event)]);
    return { event, changed };
  }

  /**
   * The provider refused a send because the customer opted out with it (Twilio 21610, after a
   * STOP at the carrier): that is the customer's word, a ban on the channel — not a failure.
   */
  async recordProviderOptOut(
    customerId: string,
    channel: Channel,
    evidence: Record<string, unknown>,
    at?: Date,
    manager?: EntityManager,
  ): Promise<RecordedConsent> {
    return this.record({ customerId, channel, scope: 'all', state: 'revoked', source: 'provider', evidence, at }, manager);
  }

  /** A change recorded through the API: by staff (source `agent`) or an integration (source `api`). */
  async recordFromRequest(
    customerId: string,
    body: RecordConsentDto,
    principal: Principal,
  ): Promise<ConsentEvent & { changed: boolean }> {
    const at = body.at === undefined ? undefined : new Date(body.at);
    if (at && at.getTime() > this.clock.now().getTime() + SKEW_MS) {
      throw new ValidationFailedError([{ field: 'at', reason: 'must not be in the future' }]);
    }
    const { event, changed } = await this.record({
      customerId,
      channel: body.channel,
      scope: body.scope,
      state: body.state,
      source: principal.role === 'integration' ? 'api' : 'agent',
      evidence: { ...body.evidence, recordedBy: principal.username, role: principal.role },
      actorId: principal.userId,
      at,
    });
    return { ...event, changed };
  }

  /** A customer's current consent and their ledger, newest first. */
  async overview(customerId: string, page: PageQuery): Promise<ConsentOverview> {
    if (!(await customerExists(this.db, customerId))) throw new NotFoundError('customer', customerId);
    const [current, history] = await Promise.all([this.currentState([customerId]), this.history(customerId, page)]);
    return { customerId, current: current.get(customerId)!, history };
  }

  /**
   * Each customer's latest entry per channel and scope; customers without entries are empty. With
   * `upTo`, the latest entry at that instant: the state as it stood then.
   *
   * The ledger is partitioned by month and kept for years: read by customer alone, every month's
   * index would be planned and probed (~30 ms at 90 months). So the ledger is read where the
   * entries in question are known to be, in a first, small read: as it stands now, at the latest
   * entries' instants (customer_consent_now, exact to the microsecond); as it stood at `upTo`, in
   * the months that hold the entries in force then (consent_ledger_months: `upTo`'s month and the
   * last one before it, per channel and scope). A change committed between the two reads is not
   * seen, as if read a moment earlier.
   */
  async currentState(customerIds: readonly string[], upTo?: Date): Promise<Map<string, ConsentLedgerState>> {
    const states = new Map(customerIds.map((id) => [id, emptyLedgerState()]));
    if (customerIds.length === 0) return states;
    const bound = upTo ? await this.ledger.monthsInForceAt(customerIds, upTo) : await this.ledger.latestInstants(customerIds);
    if (bound.length === 0) return states;
    const rows = await this.ledger.latestEntries(customerIds, bound, upTo);
    for (const { customerId, channel, scope, state, source, at } of rows) {
      states.get(customerId)![channel][scope] = { state, source, at };
    }
    return states;
  }

  /**
   * A customer's ledger, newest first: read in the months that hold their entries
   * (consent_ledger_months), not in every month kept.
   */
  async history(customerId: string, page: PageQuery): Promise<Page<ConsentEvent>> {
    const months = await this.ledger.customerMonths(customerId);
    if (months.length === 0) return { items: [], total: 0, limit: page.limit, offset: page.offset };
    const { items, total } = await this.ledger.entriesPage(customerId, months, page);
    // A page past the end says how many there are all the same.
    return {
      items,
      total: total ?? (page.offset > 0 ? await this.ledger.countEntries(customerId, months) : 0),
      limit: page.limit,
      offset: page.offset,
    };
  }
}

/** consent.changed: what the customer now says on a channel and scope, and who recorded it how. */
export function consentChanged(event: ConsentEvent): NewEvent {
  return {
    type: 'consent.changed',
    customerId: event.customerId,
    occurredAt: event.at,
    data: {
      customerId: event.customerId,
      channel: event.channel,
      scope: event.scope,
      state: event.state,
      source: event.source,
      at: new Date(event.at).toISOString(),
    },
  };
}
