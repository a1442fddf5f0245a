import { Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Roles } from '../../auth/roles.decorator';
import { PageQuery } from '../../common/pagination';
import { UuidPipe } from '../../common/uuid.pipe';
import { StartImportDto } from '../dto/start-import.dto';
import { CustomerImportsService } from './customer-imports.service';
import { Answers, AnswersPage, defineSchema, entitySchema, s } from '../../common/api-responses';
import { CustomerImportRejection } from './customer-import-rejection.entity';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { uploadedFile } from '../../idempotency/idempotency.interceptor';

const IMPORT = defineSchema(
  'CustomerImport',
  s.object({
    id: s.uuid(),
    format: s.string(),
    mode: s.string(),
    status: s.string(),
    rowsDone: s.int(),
    rowsTotal: s.nullable(s.int()),
    rowsTotalBasis: s.string(),
    rowsInserted: s.int(),
    rowsUpdated: s.int(),
    rejectedCount: s.int(),
    bytesDone: s.int(),
    bytesTotal: s.nullable(s.int()),
    percent: s.nullable(s.number()),
    rowsPerSecond: s.nullable(s.number()),
    etaSeconds: s.nullable(s.number()),
    createdAt: s.instant(),
    startedAt: s.nullable(s.instant()),
    finishedAt: s.nullable(s.instant()),
    error: s.nullable(s.object({ code: s.string(), message: s.string() }, { details: s.array(s.any()) })),
  }),
);

@ApiTags('customers')
@Controller('customers/imports')
export class CustomerImportsController {
  constructor(private readonly imports: CustomerImportsService) {}

  /** The request body is the file itself, read as it arrives (never buffered). */
  @Post()
  @Roles('admin', 'campaign_manager', 'ops')
  @Idempotent({ file: true })
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({ description: 'the file: CSV with a header row, or one JSON object per line (see docs/customers.md)' })
  @Answers(IMPORT, { status: 201, description: 'the import, read to its end (`status` says whether it failed)' })
  start(@Query() query: StartImportDto, @Req() request: Request) {
    const length = Number(request.headers['content-length']);
    return this.imports.start({
      body: uploadedFile(request),
      contentType: request.headers['content-type'],
      bytesTotal: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
      mode: query.mode,
      expectedRows: query.expectedRows,
      actorId: request.principal?.userId,
    });
  }

  @Get()
  @Roles('admin', 'campaign_manager', 'ops')
  @AnswersPage(IMPORT)
  list(@Query() page: PageQuery) {
    return this.imports.list(page);
  }

  @Get(':id')
  @Roles('admin', 'campaign_manager', 'ops')
  @Answers(IMPORT)
  get(@Param('id', UuidPipe) id: string) {
    return this.imports.get(id);
  }

  @Get(':id/rejections')
  @Roles('admin', 'campaign_manager', 'ops')
  @AnswersPage(entitySchema(CustomerImportRejection))
  rejections(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.imports.rejections(id, page);
  }
}
