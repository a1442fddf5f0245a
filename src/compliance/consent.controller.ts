import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/role';
import { AgentScope, CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { PageQuery } from '../common/pagination';
import { UuidPipe } from '../common/uuid.pipe';
import { ConsentService } from './consent.service';
import { RecordConsentDto } from './dto/record-consent.dto';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { Answers } from '../common/api-responses';
import { CONSENT_OVERVIEW, CONSENT_RECORDED } from './consent.schemas';

@ApiTags('consent')
@Controller('customers')
export class ConsentController {
  constructor(private readonly consent: ConsentService) {}

  /** Staff record what a customer told them (source `agent`); integrations record source `api`. */
  @Post(':id/consent')
  @Roles('agent', 'ops', 'integration')
  @Idempotent()
  @Answers(CONSENT_RECORDED, { status: 201, description: 'the ledger entry, and whether it changed what the customer says' })
  @AgentScope({ customer: 'id' })
  record(@Param('id', UuidPipe) id: string, @Body() body: RecordConsentDto, @CurrentPrincipal() principal: Principal) {
    return this.consent.recordFromRequest(id, body, principal);
  }

  @Get(':id/consent')
  @Roles('agent', 'ops', 'integration')
  @AgentScope({ customer: 'id' })
  @Answers(CONSENT_OVERVIEW)
  overview(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.consent.overview(id, page);
  }
}
