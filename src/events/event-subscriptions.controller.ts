import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/role';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { CreateEventSubscriptionDto } from './dto/create-event-subscription.dto';
import { EventDeliveriesQuery } from './dto/event-deliveries.query';
import { EventOutbox } from './event-outbox.repository';
import { EventSubscriptionsService } from './event-subscriptions.service';
import { Answers, AnswersNothing, AnswersPage, defineSchema, s } from '../common/api-responses';
import { EVENT_TYPES } from './event-types';

const SUBSCRIPTION = defineSchema(
  'EventSubscription',
  s.object({
    id: s.uuid(),
    name: s.string(),
    url: s.string(),
    eventTypes: s.array(s.oneOf(EVENT_TYPES)),
    createdBy: s.nullable(s.uuid()),
    createdAt: s.instant(),
  }),
);

const DELIVERY = defineSchema(
  'EventDelivery',
  s.object({
    subscriptionId: s.uuid(),
    subscriptionName: s.string(),
    eventId: s.uuid(),
    type: s.oneOf(EVENT_TYPES),
    customerId: s.nullable(s.uuid()),
    occurredAt: s.instant(),
    status: s.oneOf(['pending', 'delivered', 'parked']),
    attempts: s.int(),
    nextAttemptAt: s.instant(),
    lastError: s.nullable(s.string()),
    finishedAt: s.nullable(s.instant()),
  }),
);

@ApiTags('events')
@Controller()
export class EventSubscriptionsController {
  constructor(
    private readonly subscriptions: EventSubscriptionsService,
    private readonly outbox: EventOutbox,
  ) {}

  @Post('event-subscriptions')
  @Roles('integration')
  @ApiOperation({ summary: 'Subscribe a URL to event types; deliveries are signed with the secret (docs/events.md)' })
  @Answers(SUBSCRIPTION, { status: 201 })
  create(@Body() body: CreateEventSubscriptionDto, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.create(body, principal);
  }

  @Get('event-subscriptions')
  @Roles('integration')
  @ApiOperation({ summary: 'The subscriptions (an integration key: its own); never their secrets' })
  @Answers(SUBSCRIPTION, { array: true })
  list(@CurrentPrincipal() principal: Principal) {
    return this.subscriptions.list(principal);
  }

  @Delete('event-subscriptions/:id')
  @HttpCode(204)
  @Roles('integration')
  @AnswersNothing()
  remove(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.remove(id, principal);
  }

  @Post('event-subscriptions/:id/unpark')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Try the parked deliveries of a subscription again, with a fresh 24 h' })
  @Answers(s.object({ unparked: s.int() }))
  unpark(@Param('id', UuidPipe) id: string) {
    return this.subscriptions.unpark(id);
  }

  @Get('event-deliveries')
  @Roles('ops')
  @ApiOperation({ summary: 'Deliveries newest first, by status (parked: given up after their 24 h); paged by cursor' })
  @AnswersPage(DELIVERY, { cursor: true })
  deliveries(@Query() query: EventDeliveriesQuery) {
    return this.outbox.list(query);
  }
}
