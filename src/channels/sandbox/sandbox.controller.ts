import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Discloses } from '../../auth/personal-data.interceptor';
import { Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { SandboxQuery } from '../dto/sandbox-query.dto';
import { SimulateReplyDto } from '../dto/simulate-reply.dto';
import { SimulateStatusDto } from '../dto/simulate-status.dto';
import { SimulationResultDto } from '../dto/simulation-result.dto';
import { SandboxMessage } from './sandbox-message.entity';
import { SandboxService } from './sandbox.service';
import { AnswersPage } from '../../common/api-responses';
import { Idempotent } from '../../idempotency/idempotent.decorator';

@ApiTags('sandbox')
@Roles('campaign_manager', 'ops')
@Controller('sandbox')
export class SandboxController {
  constructor(private readonly sandbox: SandboxService) {}

  @Get('messages')
  @Discloses('sandboxMessage', 'list')
  @AnswersPage(SandboxMessage)
  list(@Query() query: SandboxQuery) {
    return this.sandbox.list(query);
  }

  @Get('messages/:id')
  @ApiOkResponse({ type: SandboxMessage })
  @Discloses('sandboxMessage', 'detail')
  get(@Param('id', UuidPipe) id: string) {
    return this.sandbox.get(id);
  }

  @Post('messages/:id/status')
  @HttpCode(200)
  @ApiOkResponse({ type: SimulationResultDto })
  @Discloses('sandboxMessage', 'detail', { at: 'message' })
  simulateStatus(@Param('id', UuidPipe) id: string, @Body() body: SimulateStatusDto) {
    return this.sandbox.simulateStatus(id, body);
  }

  @Post('replies')
  @Idempotent()
  @ApiOkResponse({ type: SimulationResultDto })
  @Discloses('sandboxMessage', 'detail', { at: 'message' })
  simulateReply(@Body() body: SimulateReplyDto) {
    return this.sandbox.simulateReply(body);
  }
}
