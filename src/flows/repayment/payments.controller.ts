import { Body, Controller, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { RecordPaymentDto } from './dto/record-payment.dto';
import { PaymentsService } from './payments.service';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { Answers } from '../../common/api-responses';
import { PAYMENT_RECORDED, PAYMENT_RETURNED } from './repayment.schemas';
import { ReturnPaymentDto } from './dto/return-payment.dto';

@ApiTags('repayment')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @Roles('integration')
  @Idempotent()
  @Answers(PAYMENT_RECORDED, {
    status: 201,
    description: 'booked (or, with `duplicate`, a reference booked before: nothing changed)',
  })
  record(@Body() body: RecordPaymentDto) {
    return this.payments.record(body);
  }

  /** A booked payment that came back unpaid (bounced); the same reference again changes nothing. */
  @Post('returns')
  @Roles('integration')
  @Idempotent()
  @Answers(PAYMENT_RETURNED, {
    status: 201,
    description: 'recorded (or, with `duplicate`, recorded before: nothing changed)',
  })
  recordReturn(@Body() body: ReturnPaymentDto) {
    return this.payments.recordReturn(body);
  }
}
