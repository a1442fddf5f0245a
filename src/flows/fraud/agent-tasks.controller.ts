import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListScope } from '../../auth/agent-access.service';
import { Principal } from '../../auth/role';
import { CurrentPrincipal, Roles, ScopeOfList } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { AgentQueueService } from './agent-queue.service';
import { AgentTaskQuery } from './dto/fraud-case-query.dto';
import { Answers, AnswersPage, s } from '../../common/api-responses';
import { AGENT_TASK } from './fraud.schemas';

@ApiTags('agent tasks')
@Controller('agent-tasks')
export class AgentTasksController {
  constructor(private readonly queue: AgentQueueService) {}

  @Get()
  @Roles('agent', 'ops')
  @ApiOperation({ summary: 'Work for agents, highest priority (fraud) first (an agent: tasks free to take and its own)' })
  @AnswersPage(AGENT_TASK)
  list(@Query() query: AgentTaskQuery, @ScopeOfList() scope?: ListScope) {
    return this.queue.list(query.status, query, scope);
  }

  @Post('next')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Take the most urgent task due that nobody has taken: `{ task }`, null when there is none' })
  @Answers(s.object({ task: s.refOrNull(AGENT_TASK) }), { description: 'the task now yours; null when none is free' })
  async takeNext(@CurrentPrincipal() principal: Principal) {
    return { task: await this.queue.takeNext(principal.userId) };
  }

  @Post(':id/take')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Take an open task nobody else holds; only then may the agent act on its customer' })
  @Answers(AGENT_TASK)
  take(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.queue.take(id, principal.userId);
  }

  @Post(':id/release')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary:
      'Hand a task the agent holds back to the queue, free for another agent (403 NOT_YOUR_TASK when it is not theirs, 409 when closed)',
  })
  @Answers(AGENT_TASK)
  release(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.queue.release(id, principal.userId);
  }
}
