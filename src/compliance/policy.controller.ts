import { Body, Controller, Get, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { SegmentRuleInterceptor } from '../segments/segment-rule.interceptor';
import { ReachabilityDto } from './dto/reachability.dto';
import { AudienceReachabilityService } from './audience-reachability.service';
import { RulePacks } from './rule-packs';

@ApiTags('policy')
@Controller('policy')
export class PolicyController {
  constructor(
    private readonly packs: RulePacks,
    private readonly reachability: AudienceReachabilityService,
  ) {}

  @Get()
  @Roles('campaign_manager', 'agent', 'ops', 'integration')
  @ApiOkResponse({
    description: 'the effective rule packs (defaults tightened by POLICY_OVERRIDES) and which country gets which',
  })
  effective() {
    return this.packs.describe();
  }

  @Post('reachability')
  @HttpCode(200)
  @Roles('campaign_manager', 'ops')
  @UseInterceptors(SegmentRuleInterceptor)
  @ApiOkResponse({
    description:
      'per channel, how many of the audience are reachable now, later in their local day, not today, muted, over a cap, ' +
      'without consent, opted out, on the do-not-contact list, without an address',
  })
  reachabilityOf(@Body() body: ReachabilityDto) {
    return this.reachability.now(body, body.purpose);
  }
}
