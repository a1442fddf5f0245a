import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../common/domain-error';
import { Roles } from './roles.decorator';
import { SignInService } from './sign-in.service';
import { Answers, AnswersNothing, defineSchema, s } from '../common/api-responses';

const LOCK = defineSchema(
  'SignInLock',
  s.object({
    kind: s.oneOf(['account', 'address']),
    subject: s.string(),
    failures: s.int(),
    lastFailedAt: s.instant(),
    lockedUntil: s.nullable(s.instant()),
  }),
);

@ApiTags('users')
@Roles('admin')
@Controller('sign-in-locks')
export class SignInLocksController {
  constructor(private readonly signIns: SignInService) {}

  @Get()
  @Answers(LOCK, { array: true })
  @ApiOperation({ summary: 'Accounts (by user id) and client addresses locked out of console sign-in now' })
  list() {
    return this.signIns.locks();
  }

  @Delete('addresses/:address')
  @HttpCode(204)
  @AnswersNothing()
  @ApiOperation({ summary: 'Lift the lock on a client address (its count starts over)' })
  async unlockAddress(@Param('address') address: string) {
    if (!(await this.signIns.unlock({ kind: 'address', subject: address }))) throw new NotFoundError('sign-in lock', address);
  }
}
