import { HttpStatus, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/domain-error';
import { Principal } from '../auth/role';
import { AppConfig } from '../config/app-config';
import { CreateEventSubscriptionDto } from './dto/create-event-subscription.dto';
import { EventOutbox } from './event-outbox.repository';
import { EventSubscription, EventSubscriptionsRepository } from './event-subscriptions.repository';

/** The subscription CORE_NOTICE_URL describes: the core system's card-hold notices. */
export const CORE_NOTICES_SUBSCRIPTION = 'core-notices';

/**
 * Who hears which events. An admin manages every subscription; an integration key its own.
 * CORE_NOTICE_URL and CORE_NOTICE_SECRET, when set, are one more subscription (to `card.notice`),
 * kept in step with the settings at every start.
 */
@Injectable()
export class EventSubscriptionsService implements OnApplicationBootstrap {
  constructor(
    private readonly subscriptions: EventSubscriptionsRepository,
    private readonly outbox: EventOutbox,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { coreNoticeUrl: url, coreNoticeSecret: secret } = this.config.fraud;
    if (url && secret)
      await this.subscriptions.upsert({ name: CORE_NOTICES_SUBSCRIPTION, url, secret, eventTypes: ['card.notice'] });
  }

  async create(input: CreateEventSubscriptionDto, by: Principal): Promise<EventSubscription> {
    const created = await this.subscriptions.create({ ...input, createdBy: by.userId });
    if (!created) {
      throw new DomainError('EVENT_SUBSCRIPTION_NAME_TAKEN', `a subscription named "${input.name}" exists`, HttpStatus.CONFLICT, [
        { field: 'name', reason: 'is taken' },
      ]);
    }
    return created;
  }

  list(by: Principal): Promise<EventSubscription[]> {
    return this.subscriptions.list(ownerOf(by));
  }

  async remove(id: string, by: Principal): Promise<void> {
    if (!(await this.subscriptions.remove(id, ownerOf(by)))) throw new NotFoundError('event subscription', id);
  }

  /** Parked deliveries tried again from now, with a fresh window (the subscriber is back). */
  async unpark(id: string): Promise<{ unparked: number }> {
    if (!(await this.subscriptions.find(id))) throw new NotFoundError('event subscription', id);
    return { unparked: await this.outbox.unpark(id, this.clock.now()) };
  }
}

/** An admin sees every subscription; anyone else those they made. */
const ownerOf = (by: Principal) => (by.role === 'admin' ? undefined : by.userId);
