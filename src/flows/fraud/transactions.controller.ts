import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { PostTransactionDto } from './dto/post-transaction.dto';
import { FraudCasesService } from './fraud-cases.service';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { Answers } from '../../common/api-responses';
import { TRANSACTION_DECISION } from './fraud.schemas';

@ApiTags('fraud')
@Controller('transactions')
export class TransactionsController {
  constructor(private readonly cases: FraudCasesService) {}

  @Post()
  @HttpCode(200)
  @Roles('integration')
  @Idempotent()
  @Answers(TRANSACTION_DECISION)
  @ApiOperation({
    summary: 'A card transaction from the core system: cleared, or a fraud case opened (card on hold, SMS queued)',
  })
  ingest(@Body() body: PostTransactionDto) {
    return this.cases.ingest(body);
  }
}
