import { AlertsModule } from '../alerts/alerts.module';
import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { pageHeaders } from '../common/page-headers';
import { ChannelsModule } from '../channels/channels.module';
import { ComplianceModule } from '../compliance/compliance.module';
import { FraudModule } from '../flows/fraud/fraud.module';
import { TemplatesModule } from '../templates/templates.module';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { InboundMessageStore } from './inbound-message.store';
import { InboundSmsService } from './inbound-sms.service';
import { InboundWebhooksController } from './inbound-webhooks.controller';
import { IvrGatherService } from './ivr-gather.service';
import { IvrGatherRepository } from './ivr-gather.repository';
import { SystemReply } from './system-reply';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe.service';
import { UnsubscribeRepository } from './unsubscribe.repository';

/** Customers answering back: SMS replies and keywords, IVR digits, the one-click unsubscribe. */
@Module({
  imports: [ChannelsModule, ComplianceModule, TemplatesModule, FraudModule, WorkOrdersModule, AlertsModule],
  controllers: [InboundWebhooksController, UnsubscribeController],
  providers: [
    InboundMessageStore,
    InboundSmsService,
    IvrGatherRepository,
    IvrGatherService,
    UnsubscribeRepository,
    UnsubscribeService,
    SystemReply,
  ],
})
export class InboundModule implements NestModule {
  /** The unsubscribe pages are HTML with a form: the console's page headers (no framing, no caching). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(pageHeaders()).forRoutes(UnsubscribeController);
  }
}
