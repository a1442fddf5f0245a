import { Global, Module } from '@nestjs/common';
import { EventCourier } from './event-courier';
import { EventOutbox } from './event-outbox.repository';
import { EventSubscriptionsController } from './event-subscriptions.controller';
import { EventSubscriptionsRepository } from './event-subscriptions.repository';
import { EventSubscriptionsService } from './event-subscriptions.service';

/** Global: the features that report facts (payments, consent, fraud, dispatch…) write to EventOutbox. */
@Global()
@Module({
  controllers: [EventSubscriptionsController],
  providers: [EventOutbox, EventSubscriptionsRepository, EventSubscriptionsService, EventCourier],
  exports: [EventOutbox],
})
export class EventsModule {}
