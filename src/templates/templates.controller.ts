import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { PreviewTemplateDto } from './dto/preview-template.dto';
import { TemplateKeyParams } from './dto/template-key.dto';
import { TemplatePreviewService } from './template-preview.service';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
  ) {}

  @Get()
  @Roles('campaign_manager', 'ops', 'agent')
  @ApiOkResponse({ description: 'the template keys with their purpose and the current version of each locale and channel' })
  list(@Query() query: PageQuery) {
    return this.templates.list(query);
  }

  @Get(':key')
  @Roles('campaign_manager', 'ops', 'agent')
  @ApiOkResponse({ description: "a template's variants: header, source and every version Herald has loaded" })
  describe(@Param() { key }: TemplateKeyParams) {
    return this.templates.describe(key);
  }

  @Post(':key/preview')
  @HttpCode(200)
  @Roles('campaign_manager', 'ops')
  @ApiOkResponse({
    description: 'exactly what would be sent: SMS with encoding and segments, e-mail with headers, TwiML, agent script',
  })
  preview(@Param() { key }: TemplateKeyParams, @Body() dto: PreviewTemplateDto) {
    return this.previews.preview(key, dto);
  }
}
