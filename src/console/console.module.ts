import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { ChannelsModule } from '../channels/channels.module';
import { ComplianceModule } from '../compliance/compliance.module';
import { FraudModule } from '../flows/fraud/fraud.module';
import { OutcomesModule } from '../flows/outcomes/outcomes.module';
import { SegmentsModule } from '../segments/segments.module';
import { TemplatesModule } from '../templates/templates.module';
import { AgentDeskRepository } from './agent/agent-desk.repository';
import { AgentDeskService } from './agent/agent-desk.service';
import { CallStateHub } from './agent/call-state.hub';
import { AgentController } from './agent/agent.controller';
import { CampaignDeskService } from './campaigns/campaign-desk.service';
import { CampaignDeskRepository } from './campaigns/campaign-desk.repository';
import { CampaignPagesController } from './campaigns/campaign-pages.controller';
import { SegmentPagesController } from './campaigns/segment-pages.controller';
import { SegmentWorkshopService } from './campaigns/segment-workshop.service';
import { ConsoleAssetsController } from './console-assets.controller';
import { Customer360Service } from './customers/customer-360.service';
import { ImportPagesController } from './customers/import-pages.controller';
import { CustomerPagesController } from './customers/customer-pages.controller';
import { consoleHeaders } from './console-headers.middleware';
import { ConsoleNotFoundHandler } from './console-not-found.handler';
import { ConsoleViews } from './console-views';
import { ContactLogService } from './ops/contact-log.service';
import { ContactLogRepository } from './ops/contact-log.repository';
import { OpsDashboardRepository } from './ops/ops-dashboard.repository';
import { Customer360Repository } from './customers/customer-360.repository';
import { CustomerTimelineService } from './ops/customer-timeline.service';
import { CustomerTimelineRepository } from './ops/customer-timeline.repository';
import { OpsAuditService } from './ops/ops-audit.service';
import { OpsAuditRepository } from './ops/ops-audit.repository';
import { OpsDashboardService } from './ops/ops-dashboard.service';
import { OpsController } from './ops/ops.controller';
import { OpsEligibilityController } from './ops/ops-eligibility.controller';
import { SignInController } from './sign-in/sign-in.controller';
import { WorkOrdersPagesController } from './work-orders/work-orders-pages.controller';
import { WorkOrdersModule } from '../work-orders/work-orders.module';
import { CustomersModule } from '../customers/customers.module';

const PAGES = [
  SignInController,
  AgentController,
  OpsController,
  OpsEligibilityController,
  SegmentPagesController,
  CampaignPagesController,
  WorkOrdersPagesController,
  // Before the customer pages: `imports` is not a customer's id.
  ImportPagesController,
  CustomerPagesController,
];

/** The console: server-rendered pages for agents, campaign managers and ops, served by Herald itself. */
@Module({
  imports: [
    AuthModule,
    TemplatesModule,
    ComplianceModule,
    FraudModule,
    OutcomesModule,
    ChannelsModule,
    AuditModule,
    SegmentsModule,
    CampaignsModule,
    WorkOrdersModule,
    CustomersModule,
  ],
  controllers: [ConsoleAssetsController, ...PAGES],
  providers: [
    ConsoleViews,
    AgentDeskRepository,
    AgentDeskService,
    CallStateHub,
    ContactLogService,
    ContactLogRepository,
    CustomerTimelineService,
    CustomerTimelineRepository,
    OpsDashboardService,
    OpsDashboardRepository,
    OpsAuditService,
    OpsAuditRepository,
    SegmentWorkshopService,
    CampaignDeskService,
    CampaignDeskRepository,
    ConsoleNotFoundHandler,
    Customer360Service,
    Customer360Repository,
  ],
  // The API's contact log, timeline and reachability (src/contact-log) read through the very same services.
  exports: [ContactLogService, CustomerTimelineService, Customer360Service],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(consoleHeaders).forRoutes(...PAGES);
  }
}
