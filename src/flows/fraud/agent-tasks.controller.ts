import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { AgentTasksRepository } from './agent-tasks.repository';
import { AgentTaskQuery } from './dto/fraud-case-query.dto';

@ApiTags('agent tasks')
@Controller('agent-tasks')
export class AgentTasksController {
  constructor(private readonly tasks: AgentTasksRepository) {}

  @Get()
  @Roles('agent', 'ops')
  @ApiOperation({ summary: 'Work for agents, highest priority (fraud) first' })
  list(@Query() query: AgentTaskQuery) {
    return this.tasks.list(query.status, query);
  }
}
