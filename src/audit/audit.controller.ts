import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { AuditService } from './audit.service';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AnswersPage, entitySchema } from '../common/api-responses';
import { AuditEvent } from './audit-event.entity';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'ops')
  @AnswersPage(entitySchema(AuditEvent), { cursor: true, description: 'newest first' })
  search(@Query() query: AuditQueryDto) {
    return this.audit.search(query);
  }
}
