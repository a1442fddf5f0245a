import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { CustomerImportRunner } from './import/customer-import.runner';
import { CustomerImportsController } from './import/customer-imports.controller';
import { CustomerImportsService } from './import/customer-imports.service';
import { ImportJobRecorder } from './import/import-job.recorder';

@Module({
  imports: [AlertsModule],
  // Imports first: `customers/imports` must not be taken for a customer id.
  controllers: [CustomerImportsController, CustomersController],
  providers: [CustomersService, CustomerImportsService, CustomerImportRunner, ImportJobRecorder],
  exports: [CustomersService, CustomerImportsService],
})
export class CustomersModule {}
