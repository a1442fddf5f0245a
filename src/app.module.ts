import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { DestinationStream } from 'pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ChannelsModule } from './channels/channels.module';
import { Clock } from './common/clock';
import { ComplianceModule } from './compliance/compliance.module';
import { CustomersModule } from './customers/customers.module';
import { ErasureModule } from './customers/erasure/erasure.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import { ContactLogModule } from './contact-log/contact-log.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { OutcomesModule } from './flows/outcomes/outcomes.module';
import { RepaymentModule } from './flows/repayment/repayment.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { HistoryModule } from './history/history.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { SegmentsModule } from './segments/segments.module';
import { TemplatesModule } from './templates/templates.module';
import { DeliveryReportsModule } from './delivery-reports/delivery-reports.module';
import { InboundModule } from './inbound/inbound.module';
import { JobsModule } from './jobs/jobs.module';
import { FraudModule } from './flows/fraud/fraud.module';
import { AlertsModule } from './alerts/alerts.module';
import { WorkOrdersModule } from './work-orders/work-orders.module';

/** What tests (and the demo) may swap; everything else comes from configuration. */
export interface AppOptions {
  clock?: Clock;
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(options.logDestination),
        CommonModule.forRoot(options.clock),
        DatabaseModule.forRoot(databaseUrl, config.databaseReadUrl),
        ScheduleModule.forRoot(),
        MetricsModule.forRoot(config),
        AuthModule,
        AuditModule,
        IdempotencyModule,
        EventsModule,
        HealthModule,
        ChannelsModule,
        SegmentsModule,
        TemplatesModule,
        ComplianceModule,
        CustomersModule,
        ErasureModule,
        CampaignsModule,
        DispatchModule,
        DeliveryReportsModule,
        FraudModule,
        InboundModule,
        RepaymentModule,
        JobsModule,
        OutcomesModule,
        AlertsModule,
        WorkOrdersModule,
        ConsoleModule,
        ContactLogModule,
        HistoryModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
