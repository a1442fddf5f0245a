import { Module } from '@nestjs/common';
import { TemplatePreviewService } from './template-preview.service';
import { TemplateVersionStore } from './template-version.store';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';
import { TemplateAudienceRepository } from './template-audience.repository';

/** The script templates: every word Herald says. Other features render through TemplatesService. */
@Module({
  controllers: [TemplatesController],
  providers: [TemplatesService, TemplatePreviewService, TemplateVersionStore, TemplateAudienceRepository],
  exports: [TemplatesService, TemplatePreviewService],
})
export class TemplatesModule {}
