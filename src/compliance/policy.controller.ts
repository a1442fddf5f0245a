import { Body, Controller, Get, HttpCode, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiTags } from '@nestjs/swagger';
import { ValidationFailedError } from '../common/domain-error';
import { parseInstant } from '../common/instant';
import { Roles } from '../auth/roles.decorator';
import { SegmentRuleInterceptor } from '../segments/segment-rule.interceptor';
import { ReachabilityDto, ReachabilityQuery } from './dto/reachability.dto';
import { AudienceReachabilityService } from './audience-reachability.service';
import { RulePacks } from './rule-packs';
import { Answers, s } from '../common/api-responses';

@ApiTags('policy')
@Controller('policy')
export class PolicyController {
  constructor(
    private readonly packs: RulePacks,
    private readonly reachability: AudienceReachabilityService,
  ) {}

  @Get()
  @Roles('campaign_manager', 'agent', 'ops', 'integration')
  @Answers(
    s.object({
      defaultPack: s.string(),
      countryPacks: s.map(s.string()),
      packs: s.array(s.map()),
      reasonCodes: s.array(s.string()),
    }),
    {
      description: 'the effective rule packs (defaults tightened by POLICY_OVERRIDES) and which country gets which',
    },
  )
  effective() {
    return this.packs.describe();
  }

  @Post('reachability')
  @HttpCode(200)
  @Roles('campaign_manager', 'ops')
  @UseInterceptors(SegmentRuleInterceptor)
  @Answers(s.map(), {
    description:
      'per channel, how many of the audience are reachable now (or at `at`), later in their local day, not today, muted, ' +
      'over a cap, without consent, opted out, on the do-not-contact list, without an address; `asOf` says whether the ' +
      'history was read as it stood at that instant or as it stands now',
  })
  @ApiBadRequestResponse({ description: 'a bad field, named (`at` must be an ISO 8601 instant with its offset)' })
  reachabilityOf(@Body() body: ReachabilityDto, @Query() query: ReachabilityQuery) {
    if (
      body.at !== undefined &&
      query.at !== undefined &&
      parseInstant(body.at)!.getTime() !== parseInstant(query.at)!.getTime()
    ) {
      throw new ValidationFailedError([{ field: 'at', reason: 'given in the body and the query with different instants' }]);
    }
    const at = body.at ?? query.at;
    return this.reachability.at(body, body.purpose, at === undefined ? undefined : parseInstant(at));
  }
}
