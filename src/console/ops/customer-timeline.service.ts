import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/domain-error';
import { Page, PageQuery } from '../../common/pagination';
import { disclose } from '../../auth/personal-data.rules';
import { ConsentService } from '../../compliance/consent.service';
import { CHANNELS } from '../../compliance/policy.types';
import { CustomerOutcomesService } from '../../flows/outcomes/customer-outcomes.service';
import { ContactLogService, Viewer } from './contact-log.service';
import { ReasonWords } from './contact-why.rules';
import { sql, sqlOne } from '../../database/sql';

/** One thing that happened with a customer; `kind` picks its label and how the view shows it. */
export interface TimelineEvent {
  at: Date;
  kind: 'contact' | 'call' | 'message' | 'reply' | 'disposition' | 'consent' | 'fraud' | 'payment';
  /** Codes (status, channel, purpose…) shown as they are: ops search and talk in them. */
  tags: string[];
  text: string;
  link?: string;
  /** A contact's reasons, codes and words (what `text`, its why, speaks from). */
  reasons?: ReasonWords[];
}

/**
 * A customer's timeline: contacts (with their why), click-to-call attempts, replies, agents'
 * dispositions, consent changes, fraud cases and payments, merged newest first. Each source is
 * read newest first up to the end of the page asked for, so merging them pages exactly.
 */
interface TimelineCustomer {
  id: string;
  externalRef: string;
  fullName: string;
  phone: string | null;
  timezone: string;
  country: string;
  locale: string;
  currency: string;
}

@Injectable()
export class CustomerTimelineService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly contacts: ContactLogService,
    private readonly consent: ConsentService,
    private readonly outcomes: CustomerOutcomesService,
  ) {}

  /** The customer as a list shows them (masked): ops read a profile in clear only through GET /customers/:id. */
  async timeline(customerId: string, page: PageQuery, viewer: Viewer) {
    const customer = await sqlOne<TimelineCustomer>(
      this.db,
      `SELECT id, external_ref AS "externalRef", full_name AS "fullName", phone, timezone, country, locale, currency
         FROM customers WHERE id = $1`,
      [customerId],
    );
    if (!customer) throw new NotFoundError('customer', customerId);
    const depth = page.offset + page.limit;
    const source = <R extends object>(select: string, toEvent: (row: R) => TimelineEvent) =>
      this.source(select, toEvent, customerId, depth);
    const [contacts, consent, profile, ...sources] = await Promise.all([
      this.contacts.forCustomer(customerId, depth, viewer),
      this.consent.overview(customerId, { limit: depth, offset: 0 }),
      this.outcomes.profile(customerId),
      source(
        `SELECT attempted_at AS at, channel, status, purpose, detail FROM contact_attempts
          WHERE customer_id = $1 AND task_id IS NULL`,
        // Outside the outbox: an agent's click-to-call, or a message Herald sent by itself (a keyword's confirmation).
        (r: { at: Date; channel: string; purpose: string; status: string; detail: string | null }) => ({
          at: r.at,
          kind: r.channel === 'call' ? 'call' : 'message',
          tags: [r.channel, r.purpose, r.status],
          text: r.detail ?? '',
        }),
      ),
      source(
        `SELECT received_at AS at, channel, intent, body FROM inbound_messages WHERE customer_id = $1`,
        (r: { at: Date; channel: string; intent: string; body: string }) => ({
          at: r.at,
          kind: 'reply',
          tags: [r.channel, r.intent],
          text: r.body,
        }),
      ),
      source(
        `SELECT d.at, d.code, d.purpose, d.channel, d.call_back_at, d.note, u.username
           FROM customer_dispositions d LEFT JOIN users u ON u.id = d.agent_id WHERE d.customer_id = $1`,
        (r: {
          at: Date;
          code: string;
          purpose: string;
          channel: string | null;
          call_back_at: Date | null;
          note: string | null;
          username: string | null;
        }) => ({
          at: r.at,
          kind: 'disposition',
          tags: [r.code, r.purpose, r.channel].filter((tag): tag is string => Boolean(tag)),
          text: [r.username, r.call_back_at ? `→ ${new Date(r.call_back_at).toISOString()}` : '', r.note]
            .filter(Boolean)
            .join(' · '),
        }),
      ),
      source(
        `SELECT f.opened_at AS at, f.status, f.reference, t.amount, t.currency, t.merchant
           FROM fraud_cases f JOIN card_transactions t ON t.id = f.transaction_id WHERE f.customer_id = $1`,
        (r: { at: Date; status: string; reference: string; amount: string; currency: string; merchant: string }) => ({
          at: r.at,
          kind: 'fraud',
          tags: [r.status],
          text: `#${r.reference} ${r.merchant} ${Number(r.amount) / 100} ${r.currency}`,
        }),
      ),
      source(
        `SELECT paid_at AS at, reference, amount, currency FROM payments WHERE customer_id = $1`,
        (r: { at: Date; reference: string; amount: string; currency: string }) => ({
          at: r.at,
          kind: 'payment',
          tags: [r.reference],
          text: `${Number(r.amount) / 100} ${r.currency}`,
        }),
      ),
    ]);
    const contactEvents: TimelineEvent[] = contacts.items.map((c) => ({
      at: c.updatedAt,
      kind: 'contact',
      tags: [c.channel, c.purpose, c.status],
      text: c.why,
      link: c.campaignName ?? undefined,
      reasons: c.reasons,
    }));
    const consentEvents: TimelineEvent[] = consent.history.items.map((e) => ({
      at: e.at,
      kind: 'consent',
      tags: [e.channel, e.scope, e.state, e.source],
      text: '',
    }));
    const merged = [...contactEvents, ...consentEvents, ...sources.flatMap((s) => s.items)].sort(
      (a, b) => new Date(b.at).getTime() - new Date(a.at).getTime(),
    );
    const total = contacts.total + consent.history.total + sources.reduce((sum, s) => sum + s.total, 0);
    const events: Page<TimelineEvent> = {
      items: merged.slice(page.offset, depth),
      total,
      limit: page.limit,
      offset: page.offset,
    };
    return {
      customer: disclose('customer', 'list', viewer.role, customer as TimelineCustomer),
      consent: CHANNELS.map((channel) => ({ channel, ...consent.current[channel] })),
      profile,
      events,
    };
  }

  /** One source's newest `depth` events, and how many it has in all, in one query. */
  private async source<R extends object>(
    select: string,
    toEvent: (row: R) => TimelineEvent,
    customerId: string,
    depth: number,
  ): Promise<{ items: TimelineEvent[]; total: number }> {
    const rows = await sql<R & { total: number }>(
      this.db,
      `SELECT *, count(*) OVER ()::int AS total FROM (${select}) s ORDER BY at DESC LIMIT $2`,
      [customerId, depth],
    );
    return { items: rows.map(toEvent), total: rows[0]?.total ?? 0 };
  }
}
