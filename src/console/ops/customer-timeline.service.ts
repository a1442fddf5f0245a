import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/domain-error';
import { Page, PageQuery } from '../../common/pagination';
import { disclose } from '../../auth/personal-data.rules';
import { ConsentService } from '../../compliance/consent.service';
import { CHANNELS } from '../../compliance/policy.types';
import { CustomerOutcomesService } from '../../flows/outcomes/customer-outcomes.service';
import { ContactLogService, Viewer } from './contact-log.service';
import { ReasonWords } from './contact-why.rules';
import { CustomerTimelineRepository, Newest, TimelineCustomer } from './customer-timeline.repository';

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
@Injectable()
export class CustomerTimelineService {
  constructor(
    private readonly sources: CustomerTimelineRepository,
    private readonly contacts: ContactLogService,
    private readonly consent: ConsentService,
    private readonly outcomes: CustomerOutcomesService,
  ) {}

  /** The customer as a list shows them (masked): ops read a profile in clear only through GET /customers/:id. */
  async timeline(customerId: string, page: PageQuery, viewer: Viewer) {
    const customer = await this.sources.customer(customerId);
    if (!customer) throw new NotFoundError('customer', customerId);
    const depth = page.offset + page.limit;
    const asEvents = async <R>(source: Promise<Newest<R>>, toEvent: (row: R) => TimelineEvent) => {
      const { rows, total } = await source;
      return { items: rows.map(toEvent), total };
    };
    const [contacts, consent, profile, ...sources] = await Promise.all([
      this.contacts.forCustomer(customerId, depth, viewer),
      this.consent.overview(customerId, { limit: depth, offset: 0 }),
      this.outcomes.profile(customerId),
      asEvents(this.sources.attemptsOutsideOutbox(customerId, depth), (r) => ({
        at: r.at,
        kind: r.channel === 'call' ? 'call' : 'message',
        tags: [r.channel, r.purpose, r.status],
        text: r.detail ?? '',
      })),
      asEvents(this.sources.replies(customerId, depth), (r) => ({
        at: r.at,
        kind: 'reply',
        tags: [r.channel, r.intent],
        text: r.body,
      })),
      asEvents(this.sources.dispositions(customerId, depth), (r) => ({
        at: r.at,
        kind: 'disposition',
        tags: [r.code, r.purpose, r.channel].filter((tag): tag is string => Boolean(tag)),
        text: [r.username, r.call_back_at ? `→ ${new Date(r.call_back_at).toISOString()}` : '', r.note]
          .filter(Boolean)
          .join(' · '),
      })),
      asEvents(this.sources.fraudCases(customerId, depth), (r) => ({
        at: r.at,
        kind: 'fraud',
        tags: [r.status],
        text: `#${r.reference} ${r.merchant} ${Number(r.amount) / 100} ${r.currency}`,
      })),
      asEvents(this.sources.payments(customerId, depth), (r) => ({
        at: r.at,
        kind: 'payment',
        tags: [r.reference],
        text: `${Number(r.amount) / 100} ${r.currency}`,
      })),
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
}
