import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../../auth/role';
import { CurrentPrincipal, Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { EraseCustomerDto } from './erase-customer.dto';
import { ErasureService } from './erasure.service';
import { Answers, s } from '../../common/api-responses';
import { Idempotent } from '../../idempotency/idempotent.decorator';

@ApiTags('customers')
@Controller('customers')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post(':id/erasure')
  @HttpCode(200)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: "Erase a customer's personal data (PIPL art. 47, GDPR art. 17)",
    description:
      'Irreversible. Queued contacts are withdrawn, personal values in history replaced by keyed hashes (message bodies ' +
      'dropped), the consent ledger kept as evidence with its addresses hashed, the profile emptied. Card transactions ' +
      'and payments are kept (legal retention). 409 CUSTOMER_ALREADY_ERASED; 503 ERASURE_NOT_CONFIGURED without ERASURE_HASH_KEY.',
  })
  @Answers(s.object({ customerId: s.uuid(), erasedAt: s.instant(), redacted: s.map(s.int()) }), {
    description: 'rows redacted per table',
  })
  erase(@Param('id', UuidPipe) id: string, @Body() body: EraseCustomerDto, @CurrentPrincipal() principal: Principal) {
    return this.erasure.erase(id, body.reason, principal);
  }
}
