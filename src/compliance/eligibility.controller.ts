import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AgentScope, Roles } from '../auth/roles.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { EligibilityQuery } from './dto/eligibility.query';
import { EligibilityService } from './eligibility.service';

@ApiTags('policy')
@Controller('customers')
export class EligibilityController {
  constructor(private readonly eligibility: EligibilityService) {}

  @Get(':id/eligibility')
  @Roles('campaign_manager', 'agent', 'ops', 'integration')
  @AgentScope({ customer: 'id' })
  @ApiOkResponse({
    description: 'the decision now, every rule in the way with its parameters, and the next allowed instant (local and UTC)',
  })
  explain(@Param('id', UuidPipe) id: string, @Query() query: EligibilityQuery) {
    const { purpose, channel, fraudEventRef, fraudCritical } = query;
    return this.eligibility.explain({ customerId: id, purpose, channel, context: { fraudEventRef, fraudCritical } });
  }
}
