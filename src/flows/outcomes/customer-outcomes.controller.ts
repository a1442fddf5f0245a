import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Principal } from '../../auth/role';
import { AgentScope, CurrentPrincipal, Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { CustomerOutcomesService } from './customer-outcomes.service';
import { RecordDispositionDto } from './dto/record-disposition.dto';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { Answers } from '../../common/api-responses';
import { OUTCOME_PROFILE } from './outcome.schemas';
import { DISPOSITION_RECORDED } from './outcome.schemas';

@ApiTags('outcomes')
@Controller('customers')
export class CustomerOutcomesController {
  constructor(private readonly outcomes: CustomerOutcomesService) {}

  /** An agent through a task it holds for the customer (`agentTaskId`, or any it holds); the task's case only. */
  @Post(':id/dispositions')
  @Roles('agent')
  @Idempotent()
  @Answers(DISPOSITION_RECORDED, { status: 201 })
  @AgentScope({ customer: 'id' })
  dispose(@Param('id', UuidPipe) id: string, @Body() body: RecordDispositionDto, @CurrentPrincipal() principal: Principal) {
    return this.outcomes.dispose(id, body, principal);
  }

  @Get(':id/outcomes')
  @Roles('agent', 'ops', 'campaign_manager')
  @AgentScope({ customer: 'id' })
  @Answers(OUTCOME_PROFILE)
  profile(@Param('id', UuidPipe) id: string) {
    return this.outcomes.profile(id);
  }
}
