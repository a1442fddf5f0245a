import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { Request, Response } from 'express';
import { CustomerImportRejection } from '../../customers/import/customer-import-rejection.entity';
import { spreadsheetSafe } from '../ops/contact-log.rules';
import { Roles } from '../../auth/roles.decorator';
import { PageQuery } from '../../common/pagination';
import { UuidPipe } from '../../common/uuid.pipe';
import { StartImportDto } from '../../customers/dto/start-import.dto';
import { CustomerImportsService } from '../../customers/import/customer-imports.service';
import { IMPORT_MODES } from '../../customers/import/customer-import.entity';
import { CENTRE_ZONE } from '../ops/ops-filters.form';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, pager } from '../console-views';
import { sayRejection } from './import-rejections.rules';
import { EXPLAINED_IMPORT_ERRORS } from './imports.messages';

/**
 * Importing customers from the console: the page sends the chosen file as the request's body, as
 * the API's `POST /customers/imports` takes it, to the very same service (one validation, one
 * runner, the same roles); the CSRF token travels in its header. The import's page shows its
 * counts and every refused row in the reader's language.
 */
@ConsolePages()
@Roles('admin', 'campaign_manager', 'ops')
@Controller('console/customers/imports')
export class ImportPagesController {
  constructor(
    private readonly imports: CustomerImportsService,
    private readonly views: ConsoleViews,
  ) {}

  @Get()
  async list(@Req() request: Request, @Query() page: PageQuery) {
    const recent = await this.imports.list(page);
    return this.views.page(request.consoleSession!, 'customers/imports', {
      title: 'imports',
      active: '/console/customers/imports',
      zone: CENTRE_ZONE,
      modes: IMPORT_MODES,
      imports: recent.items,
      pager: pager(recent, '/console/customers/imports'),
    });
  }

  /** The body is the file (Content-Type text/csv), read as it arrives; the import's page follows. */
  @Post()
  async start(@Req() request: Request, @Res() response: Response, @Query() query: StartImportDto) {
    const length = Number(request.headers['content-length']);
    const job = await this.imports.start({
      body: request,
      contentType: request.headers['content-type'],
      bytesTotal: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
      mode: query.mode,
      actorId: request.consoleSession!.userId,
    });
    response.redirect(303, `/console/customers/imports/${job.id}`);
  }

  /** The refused rows as a spreadsheet: row, reference, column, the problem in the reader's language (UTF-8 with a BOM, no formula). */
  @Get(':id/rejections.csv')
  async rejectionsCsv(@Req() request: Request, @Param('id', UuidPipe) id: string, @Res() response: Response) {
    const locale = request.consoleSession!.locale;
    await this.imports.get(id);
    const rows = Readable.from(this.imports.allRejections(id)).map((rejection: CustomerImportRejection) => {
      const said = sayRejection(rejection, locale);
      const problem = said.quoted ? `${said.message} ${said.quoted}` : said.message;
      return [rejection.rowNumber, rejection.externalRef, rejection.field, problem].map(spreadsheetSafe);
    });
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="import-${id}-rejections.csv"`);
    await pipeline(
      rows.pipe(stringify({ header: true, bom: true, columns: ['row', 'external_ref', 'column', 'problem'] })),
      response,
    );
  }

  @Get(':id')
  async import(@Req() request: Request, @Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    const session = request.consoleSession!;
    const [job, rejections] = await Promise.all([this.imports.get(id), this.imports.rejections(id, page)]);
    return this.views.page(session, 'customers/import', {
      title: 'import',
      active: '/console/customers/imports',
      zone: CENTRE_ZONE,
      job,
      running: job.status === 'queued' || job.status === 'running',
      failure: job.error && (EXPLAINED_IMPORT_ERRORS.has(job.error.code) ? job.error.code : 'other'),
      fileProblems: (job.error?.details ?? []).map((problem) => sayRejection(problem, session.locale)),
      rejections: rejections.items.map((rejection) => ({
        row: rejection.rowNumber,
        externalRef: rejection.externalRef,
        ...sayRejection(rejection, session.locale),
      })),
      pager: pager(rejections, `/console/customers/imports/${id}`),
      csv: `/console/customers/imports/${id}/rejections.csv`,
    });
  }
}
