import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Principal } from '../auth/role';
import { Discloses } from '../auth/personal-data.interceptor';
import { CurrentPrincipal, Roles } from '../auth/roles.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { DoNotContactService } from './do-not-contact.service';
import { AddDoNotContactDto } from './dto/add-do-not-contact.dto';
import { ImportDoNotContactQuery } from './dto/import-do-not-contact.query';
import { ListDoNotContactQuery } from './dto/list-do-not-contact.query';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { Answers, AnswersNothing, AnswersPage, entitySchema, s } from '../common/api-responses';
import { DoNotContactEntry } from './do-not-contact-entry.entity';
import { uploadedFile } from '../idempotency/idempotency.interceptor';

const DNC_ENTRY = entitySchema(DoNotContactEntry);

@ApiTags('do-not-contact')
@Roles('ops')
@Controller('do-not-contact')
export class DoNotContactController {
  constructor(private readonly list: DoNotContactService) {}

  @Post()
  @Idempotent()
  @Discloses('doNotContact', 'detail')
  @Answers(DNC_ENTRY, { status: 201 })
  add(@Body() body: AddDoNotContactDto, @CurrentPrincipal() principal: Principal) {
    return this.list.add(body, principal.userId);
  }

  @Get()
  @Discloses('doNotContact', 'list')
  @AnswersPage(DNC_ENTRY)
  find(@Query() query: ListDoNotContactQuery) {
    return this.list.list(query);
  }

  @Delete(':id')
  @HttpCode(204)
  @AnswersNothing()
  remove(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.list.remove(id, principal.userId);
  }

  /** A file of addresses: one per line, or CSV `value,reason` with an optional header. */
  @Post('import')
  @Idempotent({ file: true })
  @HttpCode(200)
  @ApiConsumes('text/csv', 'text/plain')
  @ApiBody({ schema: { type: 'string', example: 'value,reason\n+8613800138000,complaint\nsomeone@example.cn,\n' } })
  @Answers(
    s.object({
      lines: s.int(),
      added: s.int(),
      alreadyListed: s.int(),
      invalid: s.int(),
      problems: s.array(s.object({ line: s.int(), reason: s.string() })),
    }),
  )
  import(@Req() request: Request, @Query() query: ImportDoNotContactQuery, @CurrentPrincipal() principal: Principal) {
    return this.list.import(uploadedFile(request), request.headers['content-type'], query.reason, principal.userId);
  }
}
