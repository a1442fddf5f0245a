import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AgentScope, Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { PromiseToPayDto } from './dto/promise-to-pay.dto';
import { PromiseToPayService } from './promise-to-pay.service';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { Answers } from '../../common/api-responses';
import { PROMISE_TAKEN } from './repayment.schemas';

@ApiTags('repayment')
@Controller('customers')
export class PromiseToPayController {
  constructor(private readonly promises: PromiseToPayService) {}

  @Post(':id/promise-to-pay')
  @Roles('agent')
  @Idempotent()
  @Answers(PROMISE_TAKEN, { status: 201 })
  @AgentScope({ customer: 'id' })
  promise(@Param('id', UuidPipe) id: string, @Body() body: PromiseToPayDto) {
    return this.promises.promise({ customerId: id, promisedOn: body.date, amount: body.amount, source: 'agent' });
  }
}
