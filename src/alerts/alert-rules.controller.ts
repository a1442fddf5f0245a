import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiConflictResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/role';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidPipe } from '../common/uuid.pipe';
import { SegmentRuleInterceptor } from '../segments/segment-rule.interceptor';
import { AlertEvaluator } from './alert-evaluator.service';
import { AlertRulesService } from './alert-rules.service';
import { CreateAlertRuleDto } from './dto/create-alert-rule.dto';
import { DryRunAlertRuleDto } from './dto/dry-run-alert-rule.dto';
import { UpdateAlertRuleDto } from './dto/update-alert-rule.dto';
import { Answers, AnswersPage, defineSchema, s } from '../common/api-responses';

const ALERT_RULE = defineSchema(
  'AlertRule',
  s.object({
    id: s.uuid(),
    name: s.string(),
    description: s.nullable(s.string()),
    rule: s.map(),
    reads: s.array(s.string()),
    scheduled: s.boolean(),
    severity: s.string(),
    queue: s.string(),
    slaMinutes: s.int(),
    closeOnExit: s.boolean(),
    enabled: s.boolean(),
    ownerId: s.nullable(s.uuid()),
    createdAt: s.instant(),
    updatedAt: s.instant(),
  }),
);

/** The risk manager is the campaign manager (the person who already writes rules in this language); ops read. */
@ApiTags('alerts')
@Controller('alert-rules')
export class AlertRulesController {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly evaluator: AlertEvaluator,
  ) {}

  @Post()
  @Roles('campaign_manager')
  @UseInterceptors(SegmentRuleInterceptor)
  @Answers(ALERT_RULE, { status: 201 })
  create(@Body() body: CreateAlertRuleDto, @CurrentPrincipal() principal: Principal) {
    return this.rules.create(body, principal.userId);
  }

  @Get()
  @Roles('campaign_manager', 'ops')
  @AnswersPage(ALERT_RULE)
  list(@Query() page: PageQuery) {
    return this.rules.list(page);
  }

  @Post('dry-run')
  @HttpCode(200)
  @Roles('campaign_manager', 'ops')
  @UseInterceptors(SegmentRuleInterceptor)
  @Answers(s.object({ wouldFire: s.int(), at: s.instant() }), {
    description: '{ wouldFire, at }: how many customers meet the rule now, i.e. would fire if it were saved',
  })
  dryRun(@Body() body: DryRunAlertRuleDto) {
    return this.rules.dryRun(body.rule);
  }

  @Post('runs')
  @Roles('campaign_manager', 'ops')
  @Answers(s.object({ ran: s.boolean(), rules: s.int(), fired: s.int(), closed: s.int(), at: s.instant() }), {
    status: 201,
    description: 'The scheduled rules evaluated over the book now (the hourly job); counts fired and closed',
  })
  @ApiConflictResponse({ description: 'JOB_RUNNING: another instance is evaluating' })
  run() {
    return this.evaluator.runScheduledOrRefuse();
  }

  @Get(':id')
  @Roles('campaign_manager', 'ops')
  @Answers(ALERT_RULE)
  get(@Param('id', UuidPipe) id: string) {
    return this.rules.get(id);
  }

  @Patch(':id')
  @Roles('campaign_manager')
  @UseInterceptors(SegmentRuleInterceptor)
  @Answers(ALERT_RULE)
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateAlertRuleDto) {
    return this.rules.update(id, body);
  }
}
