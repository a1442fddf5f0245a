import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgentScope, Roles, ScopeOfList } from '../../auth/roles.decorator';
import { ListScope } from '../../auth/agent-access.service';
import { UuidPipe } from '../../common/uuid.pipe';
import { FraudCaseQuery, FraudStatsQuery } from './dto/fraud-case-query.dto';
import { FraudCasesQuery } from './fraud-cases.query';
import { Answers, AnswersPage } from '../../common/api-responses';
import { FRAUD_CASE, FRAUD_STATS } from './fraud.schemas';

@ApiTags('fraud')
@Controller('fraud-cases')
export class FraudCasesController {
  constructor(private readonly cases: FraudCasesQuery) {}

  @Get()
  @Roles('ops', 'agent')
  @ApiOperation({ summary: 'Fraud cases, newest first (an agent: the cases of its tasks)' })
  @AnswersPage(FRAUD_CASE)
  list(@Query() query: FraudCaseQuery, @ScopeOfList() scope?: ListScope) {
    return this.cases.list(query, scope);
  }

  @Get('stats')
  @Roles('ops')
  @ApiOperation({ summary: 'Cases by status and time to answer (p50, p90, seconds)' })
  @Answers(FRAUD_STATS)
  stats(@Query() query: FraudStatsQuery) {
    return this.cases.stats(query);
  }

  @Get(':id')
  @Roles('ops', 'agent')
  @AgentScope({ fraudCase: 'id' })
  @ApiOperation({ summary: 'One case with its transaction and timeline' })
  @Answers(FRAUD_CASE)
  get(@Param('id', UuidPipe) id: string) {
    return this.cases.get(id);
  }
}
