import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { ChannelsModule } from '../channels/channels.module';
import { ComplianceModule } from '../compliance/compliance.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { DeliveryReports } from './delivery-reports.service';
import { DeliveryStatusController } from './delivery-status.controller';

/** What Twilio tells Herald, signature-checked: delivery and call statuses. */
@Module({
  imports: [ChannelsModule, ComplianceModule, DispatchModule, AlertsModule],
  controllers: [DeliveryStatusController],
  providers: [DeliveryReports],
})
export class DeliveryReportsModule {}
