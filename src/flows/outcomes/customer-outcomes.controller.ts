import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Principal } from '../../auth/role';
import { CurrentPrincipal, Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { CustomerOutcomesService } from './customer-outcomes.service';
import { RecordDispositionDto } from './dto/record-disposition.dto';

@ApiTags('outcomes')
@Controller('customers')
export class CustomerOutcomesController {
  constructor(private readonly outcomes: CustomerOutcomesService) {}

  @Post(':id/dispositions')
  @Roles('agent')
  dispose(@Param('id', UuidPipe) id: string, @Body() body: RecordDispositionDto, @CurrentPrincipal() principal: Principal) {
    return this.outcomes.dispose(id, body, principal.userId);
  }

  @Get(':id/outcomes')
  @Roles('agent', 'ops', 'campaign_manager')
  profile(@Param('id', UuidPipe) id: string) {
    return this.outcomes.profile(id);
  }
}
