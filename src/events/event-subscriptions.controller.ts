import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/role';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { CreateEventSubscriptionDto } from './dto/create-event-subscription.dto';
import { EventDeliveriesQuery } from './dto/event-deliveries.query';
import { EventOutbox } from './event-outbox.repository';
import { EventSubscriptionsService } from './event-subscriptions.service';

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
  create(@Body() body: CreateEventSubscriptionDto, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.create(body, principal);
  }

  @Get('event-subscriptions')
  @Roles('integration')
  @ApiOperation({ summary: 'The subscriptions (an integration key: its own); never their secrets' })
  list(@CurrentPrincipal() principal: Principal) {
    return this.subscriptions.list(principal);
  }

  @Delete('event-subscriptions/:id')
  @HttpCode(204)
  @Roles('integration')
  remove(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.remove(id, principal);
  }

  @Post('event-subscriptions/:id/unpark')
  @HttpCode(200)
  @Roles('ops')
  @ApiOperation({ summary: 'Try the parked deliveries of a subscription again, with a fresh 24 h' })
  unpark(@Param('id', UuidPipe) id: string) {
    return this.subscriptions.unpark(id);
  }

  @Get('event-deliveries')
  @Roles('ops')
  @ApiOperation({ summary: 'Deliveries newest first, by status (parked: given up after their 24 h); paged by cursor' })
  deliveries(@Query() query: EventDeliveriesQuery) {
    return this.outbox.list(query);
  }
}
