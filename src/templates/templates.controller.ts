import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { PreviewTemplateDto } from './dto/preview-template.dto';
import { TemplateKeyParams } from './dto/template-key.dto';
import { TemplatePreviewService } from './template-preview.service';
import { TemplatesService } from './templates.service';
import { Answers, AnswersPage, defineSchema, s } from '../common/api-responses';

const TEMPLATE_HEAD = { key: s.string(), purpose: s.string(), marketing: s.boolean(), description: s.string() };
const TEMPLATE_SUMMARY = defineSchema(
  'TemplateSummary',
  s.object({
    ...TEMPLATE_HEAD,
    variants: s.array(s.object({ locale: s.string(), channel: s.string(), version: s.string() })),
  }),
);
const TEMPLATE_DETAIL = defineSchema(
  'TemplateDetail',
  s.object({
    ...TEMPLATE_HEAD,
    variants: s.array(
      s.object(
        {
          locale: s.string(),
          channel: s.string(),
          version: s.string(),
          description: s.string(),
          fields: s.array(s.string()),
          optional: s.array(s.string()),
          source: s.string(),
          versions: s.array(s.map()),
        },
        { gatherDigits: s.int() },
      ),
    ),
  }),
);
const TEMPLATE_PREVIEW = defineSchema(
  'TemplatePreview',
  s.object(
    {
      key: s.string(),
      locale: s.string(),
      channel: s.string(),
      version: s.string(),
      purpose: s.string(),
      marketing: s.boolean(),
      masked: s.boolean(),
      sampled: s.array(s.string()),
      placeholders: s.array(s.string()),
    },
    { sms: s.map(), email: s.map(), voice: s.map(), agent: s.map() },
  ),
);

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
  ) {}

  @Get()
  @Roles('campaign_manager', 'ops', 'agent')
  @AnswersPage(TEMPLATE_SUMMARY, {
    description: 'the template keys with their purpose and the current version of each locale and channel',
  })
  list(@Query() query: PageQuery) {
    return this.templates.list(query);
  }

  @Get(':key')
  @Roles('campaign_manager', 'ops', 'agent')
  @Answers(TEMPLATE_DETAIL, { description: "a template's variants: header, source and every version Herald has loaded" })
  describe(@Param() { key }: TemplateKeyParams) {
    return this.templates.describe(key);
  }

  @Post(':key/preview')
  @HttpCode(200)
  @Roles('campaign_manager', 'ops')
  @Answers(TEMPLATE_PREVIEW, {
    description: 'exactly what would be sent: SMS with encoding and segments, e-mail with headers, TwiML, agent script',
  })
  preview(@Param() { key }: TemplateKeyParams, @Body() dto: PreviewTemplateDto) {
    return this.previews.preview(key, dto);
  }
}
