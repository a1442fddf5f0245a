import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/role';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidPipe } from '../common/uuid.pipe';
import { CreateSegmentDto } from './dto/create-segment.dto';
import { PreviewSegmentDto } from './dto/preview-segment.dto';
import { SegmentFieldDto } from './dto/segment-field.dto';
import { SegmentPreviewDto } from './dto/segment-preview.dto';
import { UpdateSegmentDto } from './dto/update-segment.dto';
import { SegmentRuleInterceptor } from './segment-rule.interceptor';
import { Segment } from './segment.entity';
import { SegmentsService } from './segments.service';
import { Answers, AnswersNothing, AnswersPage } from '../common/api-responses';

@ApiTags('segments')
@Controller('segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Get('fields')
  @Roles('campaign_manager', 'ops')
  @ApiOkResponse({ type: [SegmentFieldDto] })
  fields() {
    return this.segments.fields();
  }

  @Post('preview')
  @HttpCode(200)
  @UseInterceptors(SegmentRuleInterceptor)
  @Roles('campaign_manager', 'ops')
  @ApiOkResponse({ type: SegmentPreviewDto, description: 'an unsaved rule, evaluated now' })
  preview(@Body() body: PreviewSegmentDto) {
    return this.segments.preview(body.rule);
  }

  @Post()
  @Roles('campaign_manager')
  @UseInterceptors(SegmentRuleInterceptor)
  @Answers(Segment, { status: 201 })
  create(@Body() body: CreateSegmentDto, @CurrentPrincipal() principal: Principal): Promise<Segment> {
    return this.segments.create(body, principal.userId);
  }

  @Get()
  @Roles('campaign_manager', 'ops')
  @AnswersPage(Segment)
  list(@Query() page: PageQuery) {
    return this.segments.list(page);
  }

  @Get(':id')
  @Roles('campaign_manager', 'ops')
  @Answers(Segment)
  get(@Param('id', UuidPipe) id: string): Promise<Segment> {
    return this.segments.get(id);
  }

  @Get(':id/preview')
  @Roles('campaign_manager', 'ops')
  @ApiOkResponse({ type: SegmentPreviewDto })
  previewSaved(@Param('id', UuidPipe) id: string) {
    return this.segments.previewSaved(id);
  }

  @Patch(':id')
  @Roles('campaign_manager')
  @UseInterceptors(SegmentRuleInterceptor)
  @Answers(Segment)
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateSegmentDto): Promise<Segment> {
    return this.segments.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @AnswersNothing()
  @Roles('campaign_manager')
  remove(@Param('id', UuidPipe) id: string) {
    return this.segments.remove(id);
  }
}
