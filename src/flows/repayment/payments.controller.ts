import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { RecordPaymentDto } from './dto/record-payment.dto';
import { PaymentsService } from './payments.service';
import { Idempotent } from '../../idempotency/idempotent.decorator';

@ApiTags('repayment')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @Roles('integration')
  @Idempotent()
  record(@Body() body: RecordPaymentDto) {
    return this.payments.record(body);
  }
}
