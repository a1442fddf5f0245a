import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiTags } from '@nestjs/swagger';
import { AgentScope, Roles } from '../auth/roles.decorator';
import { parseInstant } from '../common/instant';
import { UuidPipe } from '../common/uuid.pipe';
import { EligibilityQuery } from './dto/eligibility.query';
import { EligibilityService } from './eligibility.service';
import { Answers, defineSchema, s } from '../common/api-responses';

const DUAL_TIME = s.object({ utc: s.string(), local: s.string() });
const ELIGIBILITY = defineSchema(
  'Eligibility',
  s.object(
    {
      customerId: s.uuid(),
      purpose: s.string(),
      channel: s.string(),
      pack: s.string(),
      timeZone: s.string(),
      allowed: s.boolean(),
      at: DUAL_TIME,
      asOf: s.map(),
      reasons: s.array(s.object({ code: s.string(), message: s.string() }, { until: DUAL_TIME })),
    },
    { nextAllowedAt: DUAL_TIME, final: s.boolean() },
  ),
);

@ApiTags('policy')
@Controller('customers')
export class EligibilityController {
  constructor(private readonly eligibility: EligibilityService) {}

  @Get(':id/eligibility')
  @Roles('campaign_manager', 'agent', 'ops', 'integration')
  @AgentScope({ customer: 'id' })
  @Answers(ELIGIBILITY, {
    description:
      'the decision now (or at `at`), every rule in the way with its parameters, the next allowed instant (local and UTC), ' +
      'and `asOf`: whether the history was read as it stood at that instant or as it stands now',
  })
  @ApiBadRequestResponse({ description: 'a bad query parameter, named (`at` must be an ISO 8601 instant with its offset)' })
  explain(@Param('id', UuidPipe) id: string, @Query() query: EligibilityQuery) {
    const { purpose, channel, fraudEventRef, fraudCritical, at } = query;
    return this.eligibility.explain(
      { customerId: id, purpose, channel, context: { fraudEventRef, fraudCritical } },
      at === undefined ? undefined : parseInstant(at),
    );
  }
}
