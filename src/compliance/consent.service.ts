import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Principal } from '../auth/role';
import { NotFoundError, ValidationFailedError } from '../common/domain-error';
import { hydrateEntity } from '../database/entity-row.mapper';
import { PreparedStatement } from '../database/prepared-statement';
import { Page, PageQuery } from '../common/pagination';
import { ConsentEvent, ConsentScope, ConsentSource } from './consent-event.entity';
import { RecordConsentDto } from './dto/record-consent.dto';
import { Channel, ConsentLedgerState, ConsentValue } from './policy.types';

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
 * Entries (JSON in $1, numbered by `n`, at most one per customer, channel and scope), each with
 * whether it changed the state: the previous entries are read in the same statement.
 */
const APPEND_LOCKED = new PreparedStatement<Record<string, unknown> & { n: number; changed: boolean }>(
  'consent.append-locked',
  `WITH input AS (
     SELECT * FROM json_to_recordset($1::json) AS i(n int, customer_id uuid, channel text, scope text, state text,
       source text, evidence jsonb, actor_id uuid, at timestamptz)
   ), previous AS (
     SELECT i.n, (SELECT e.state FROM consent_events e
                   WHERE e.customer_id = i.customer_id AND e.channel = i.channel AND e.scope = i.scope
                   ORDER BY ${LATEST_FIRST} LIMIT 1) AS state
       FROM input i
   ), appended AS (
     INSERT INTO consent_events (customer_id, channel, scope, state, source, evidence, actor_id, at)
     SELECT customer_id, channel, scope, state, source, evidence, actor_id, at FROM input ORDER BY n
     RETURNING *
   )
   SELECT a.*, i.n, p.state IS DISTINCT FROM a.state AS changed
     FROM appended a
     JOIN input i ON (i.customer_id, i.channel, i.scope) = (a.customer_id, a.channel, a.scope)
     JOIN previous p ON p.n = i.n`,
);

/** Indexes of `items` in rounds where no key appears twice: the k-th item of each key goes in round k. */
function rounds<T>(items: T[], key: (item: T) => string): number[][] {
  const seen = new Map<string, number>();
  const result: number[][] = [];
  items.forEach((item, n) => {
    const k = key(item);
    const round = seen.get(k) ?? 0;
    seen.set(k, round + 1);
    (result[round] ??= []).push(n);
  });
  return result;
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
    private readonly clock: Clock,
  ) {}

  /**
   * Appends a consent change: for inbound SMS keywords, agents, one-click unsubscribes, the
   * provider's own opt-out (Twilio 21610) and the API. Concurrent changes for one customer are
   * taken one at a time, so `changed` is true for exactly one of two simultaneous STOPs.
   */
  async record(input: NewConsentEvent, manager?: EntityManager): Promise<RecordedConsent> {
    if (!manager) return this.db.transaction((m) => this.record(input, m));
    const [customer] = await manager.query(`SELECT id FROM customers WHERE id = $1 FOR NO KEY UPDATE`, [input.customerId]);
    if (!customer) throw new NotFoundError('customer', input.customerId);
    const [recorded] = await this.appendLocked(manager, [input]);
    return recorded;
  }

  /**
   * `record` for callers that already hold the customers' row locks (FOR NO KEY UPDATE) in the
   * transaction of `manager`: one statement for a batch (the inbound SMS keywords, on their hot
   * path). Entries for the same customer, channel and scope go in order, one statement each, so
   * each sees the one before it.
   */
  async appendLocked(manager: EntityManager, inputs: NewConsentEvent[]): Promise<RecordedConsent[]> {
    const recorded: RecordedConsent[] = new Array(inputs.length);
    for (const round of rounds(inputs, (input) => `${input.customerId} ${input.channel} ${input.scope}`)) {
      const rows = await APPEND_LOCKED.run(manager, [
        JSON.stringify(
          round.map((n) => {
            const input = inputs[n];
            return {
              n,
              customer_id: input.customerId,
              channel: input.channel,
              scope: input.scope,
              state: input.state,
              source: input.source,
              evidence: input.evidence ?? {},
              actor_id: input.actorId ?? null,
              at: input.at ?? this.clock.now(),
            };
          }),
        ),
      ]);
      for (const { n, changed, ...row } of rows) recorded[n] = { event: hydrateEntity(this.db, ConsentEvent, row), changed };
    }
    return recorded;
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
  ): Promise<RecordedConsent> {
    return this.record({ customerId, channel, scope: 'all', state: 'revoked', source: 'provider', evidence, at });
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
    const [customer] = await this.db.query(`SELECT id FROM customers WHERE id = $1`, [customerId]);
    if (!customer) throw new NotFoundError('customer', customerId);
    const [current, history] = await Promise.all([this.currentState([customerId]), this.history(customerId, page)]);
    return { customerId, current: current.get(customerId)!, history };
  }

  /** Each customer's latest entry per channel and scope, from one query; customers without entries are empty. */
  async currentState(customerIds: readonly string[]): Promise<Map<string, ConsentLedgerState>> {
    const states = new Map(customerIds.map((id) => [id, emptyLedgerState()]));
    if (customerIds.length === 0) return states;
    const rows: { customerId: string; channel: Channel; scope: ConsentScope; state: ConsentValue; source: string; at: Date }[] =
      await this.db.query(
        `SELECT DISTINCT ON (customer_id, channel, scope)
                customer_id AS "customerId", channel, scope, state, source, at
           FROM consent_events
          WHERE customer_id = ANY ($1::uuid[])
          ORDER BY customer_id, channel, scope, ${LATEST_FIRST}`,
        [customerIds],
      );
    for (const { customerId, channel, scope, state, source, at } of rows) {
      states.get(customerId)![channel][scope] = { state, source, at };
    }
    return states;
  }

  /** A customer's ledger, newest first. */
  async history(customerId: string, page: PageQuery): Promise<Page<ConsentEvent>> {
    const [items, total] = await this.db.getRepository(ConsentEvent).findAndCount({
      where: { customerId },
      order: { at: 'DESC', id: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total, limit: page.limit, offset: page.offset };
  }
}
