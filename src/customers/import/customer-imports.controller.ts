import { Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { Roles } from '../../auth/roles.decorator';
import { PageQuery } from '../../common/pagination';
import { UuidPipe } from '../../common/uuid.pipe';
import { StartImportDto } from '../dto/start-import.dto';
import { CustomerImportsService } from './customer-imports.service';

@ApiTags('customers')
@Controller('customers/imports')
export class CustomerImportsController {
  constructor(private readonly imports: CustomerImportsService) {}

  /** The request body is the file itself, read as it arrives (never buffered). */
  @Post()
  @Roles('admin', 'campaign_manager', 'ops')
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({ description: 'the file: CSV with a header row, or one JSON object per line (see docs/customers.md)' })
  start(@Query() query: StartImportDto, @Req() request: Request) {
    const length = Number(request.headers['content-length']);
    return this.imports.start({
      body: request,
      contentType: request.headers['content-type'],
      bytesTotal: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
      mode: query.mode,
      expectedRows: query.expectedRows,
      actorId: request.principal?.userId,
    });
  }

  @Get()
  @Roles('admin', 'campaign_manager', 'ops')
  list(@Query() page: PageQuery) {
    return this.imports.list(page);
  }

  @Get(':id')
  @Roles('admin', 'campaign_manager', 'ops')
  get(@Param('id', UuidPipe) id: string) {
    return this.imports.get(id);
  }

  @Get(':id/rejections')
  @Roles('admin', 'campaign_manager', 'ops')
  rejections(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.imports.rejections(id, page);
  }
}
