import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Principal } from '../auth/role';
import { NotFoundError, ValidationFailedError } from '../common/domain-error';
import { hydrateEntity } from '../database/entity-row.mapper';
import { EventOutbox } from '../events/event-outbox.repository';
import { NewEvent } from '../events/event-types';
import { PreparedStatement } from '../database/prepared-statement';
import { Page, PageQuery } from '../common/pagination';
import { ConsentEvent, ConsentScope, ConsentSource } from './consent-event.entity';
import { RecordConsentDto } from './dto/record-consent.dto';
import { Channel, ConsentLedgerState, ConsentValue } from './policy.types';
import { sql, sqlOne } from '../database/sql';
import { consentNowState, customerLedgerMonths, inMonths, monthBounds, monthsInForceAt } from './consent-ledger.repository';

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

/**
 * The latest entry decides; of two at the very same instant, the revocation (the customer's
 * refusal must never lose to a coincidence of timestamps), then the one recorded last.
 */
const LATEST_FIRST = `at DESC, (state = 'revoked') DESC, id DESC`;

/**
 * The entry, and whether it changed the state: the previous state is read in the same statement,
 * from customer_consent_now (which says what the ledger's latest entry says) rather than the
 * ledger, whose months would all be read for it.
 */
const APPEND_LOCKED = new PreparedStatement<Record<string, unknown> & { changed: boolean }>(
  'consent.append-locked',
  `WITH previous AS (
     SELECT ${consentNowState('n', '$2', '$3')} AS state FROM customer_consent_now n WHERE n.customer_id = $1
   ), appended AS (
     INSERT INTO consent_events (customer_id, channel, scope, state, source, evidence, actor_id, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *
   )
   SELECT appended.*, (SELECT state FROM previous) IS DISTINCT FROM $4 AS changed FROM appended`,
);

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
    const customer = await sqlOne<{ id: string }>(manager, `SELECT id FROM customers WHERE id = $1 FOR NO KEY UPDATE`, [
      input.customerId,
    ]);
    if (!customer) throw new NotFoundError('customer', input.customerId);
    const [{ changed, ...row }] = await APPEND_LOCKED.run(manager, [
      input.customerId,
      input.channel,
      input.scope,
      input.state,
      input.source,
      input.evidence ?? {},
      input.actorId ?? null,
      input.at ?? this.clock.now(),
    ]);
    const event = hydrateEntity(this.db, ConsentEvent, row);
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
    const customer = await sqlOne<{ id: string }>(this.db, `SELECT id FROM customers WHERE id = $1`, [customerId]);
    if (!customer) throw new NotFoundError('customer', customerId);
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
    const bound = upTo ? await monthsInForceAt(this.db, customerIds, upTo) : await this.latestInstants(customerIds);
    if (bound.length === 0) return states;
    const rows = await sql<{
      customerId: string;
      channel: Channel;
      scope: ConsentScope;
      state: ConsentValue;
      source: string;
      at: Date;
    }>(
      this.db,
      `SELECT DISTINCT ON (customer_id, channel, scope)
                customer_id AS "customerId", channel, scope, state, source, at
           FROM consent_events
          WHERE customer_id = ANY ($1::uuid[]) AND ${upTo ? `at <= $2 AND ${inMonths(bound, 3)}` : 'at = ANY ($2::timestamptz[])'}
          ORDER BY customer_id, channel, scope, ${LATEST_FIRST}`,
      upTo ? [customerIds, upTo, ...monthBounds(bound)] : [customerIds, bound],
    );
    for (const { customerId, channel, scope, state, source, at } of rows) {
      states.get(customerId)![channel][scope] = { state, source, at };
    }
    return states;
  }

  /**
   * The instants of these customers' latest entries, as text (a Date would lose the microseconds).
   * Unpacked by a shift: it floors, where `v / 2` would round a revoked instant before 1970 up a microsecond.
   */
  private async latestInstants(customerIds: readonly string[]): Promise<string[]> {
    const rows = await sql<{ at: string }>(
      this.db,
      `SELECT DISTINCT ('epoch'::timestamptz + (v >> 1) * interval '1 microsecond')::text AS at
         FROM customer_consent_now n
         CROSS JOIN LATERAL unnest(ARRAY[n.sms_all, n.sms_marketing, n.email_all, n.email_marketing, n.call_all, n.call_marketing]) AS v
        WHERE n.customer_id = ANY ($1::uuid[]) AND v IS NOT NULL`,
      [customerIds],
    );
    return rows.map((row) => row.at);
  }

  /**
   * A customer's ledger, newest first: read in the months that hold their entries
   * (consent_ledger_months), not in every month kept.
   */
  async history(customerId: string, page: PageQuery): Promise<Page<ConsentEvent>> {
    const months = await customerLedgerMonths(this.db, customerId);
    if (months.length === 0) return { items: [], total: 0, limit: page.limit, offset: page.offset };
    const rows = await sql<Record<string, unknown> & { total: number }>(
      this.db,
      `SELECT e.*, count(*) OVER ()::int AS total
         FROM consent_events e
        WHERE customer_id = $1 AND ${inMonths(months, 4)}
        ORDER BY at DESC, id DESC
        LIMIT $2 OFFSET $3`,
      [customerId, page.limit, page.offset, ...monthBounds(months)],
    );
    const total = rows[0]?.total ?? (page.offset > 0 ? await this.countEntries(customerId, months) : 0);
    const items = rows.map((row) => hydrateEntity(this.db, ConsentEvent, row));
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /** A page past the end says how many there are all the same. */
  private async countEntries(customerId: string, months: string[]): Promise<number> {
    const [{ total }] = await sql<{ total: number }>(
      this.db,
      `SELECT count(*)::int AS total FROM consent_events WHERE customer_id = $1 AND ${inMonths(months, 2)}`,
      [customerId, ...monthBounds(months)],
    );
    return total;
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
