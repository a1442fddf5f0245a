import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsTimeZone } from 'class-validator';
import { Request, Response } from 'express';
import { Discloses } from '../../auth/personal-data.interceptor';
import { AgentScope, Roles } from '../../auth/roles.decorator';
import { UuidPipe } from '../../common/uuid.pipe';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews } from '../console-views';
import { EmptyIsAbsent } from '../form-fields';
import { CENTRE_ZONE, ZONES } from '../ops/ops-filters.form';
import { Customer360Service } from './customer-360.service';

/** The longest search people type; more is a paste gone wrong, said on the form. */
const MAX_SEARCH = 100;

export class CustomerSearchForm {
  @ApiPropertyOptional({ description: "phone as written, part of a name, a reference or a card's last four" })
  @IsOptional()
  @IsString()
  q?: string;

  @EmptyIsAbsent()
  @IsOptional()
  @IsTimeZone()
  zone?: string;
}

export class Customer360Form {
  @EmptyIsAbsent()
  @IsOptional()
  @IsTimeZone()
  zone?: string;
}

/**
 * Finding a customer and the customer 360 ("can we contact them now?"), for ops and campaign
 * managers; an agent finds and opens only the customers of the tasks it holds (AgentScope, and
 * the search's list scope). Names and numbers are masked as lists show them, whatever the role.
 */
@ConsolePages()
@Roles('ops', 'campaign_manager', 'agent')
@Controller('console/customers')
export class CustomerPagesController {
  constructor(
    private readonly customers: Customer360Service,
    private readonly views: ConsoleViews,
  ) {}

  @Get()
  @Discloses('customer', 'list', { page: true })
  async search(@Req() request: Request, @Res({ passthrough: true }) response: Response, @Query() form: CustomerSearchForm) {
    const session = request.consoleSession!;
    const typed = typeof form.q === 'string' ? form.q : '';
    const zone = form.zone ?? CENTRE_ZONE;
    const page = (data: object) =>
      this.views.page(session, 'customers/search', {
        title: 'customers',
        active: '/console/customers',
        form: { q: typed, zone },
        zones: ZONES,
        ...data,
      });
    if (!typed.trim()) return page({});
    if (typed.length > MAX_SEARCH) {
      response.status(400);
      return page({ problems: [{ field: 'q', problem: 'tooLong' }] });
    }
    const found = await this.customers.search(typed, session);
    return page({ searched: true, results: found.items, more: found.more, total: found.total });
  }

  @Get(':id')
  @AgentScope({ customer: 'id' })
  @Discloses('customer', 'list', { page: true })
  async customer(@Req() request: Request, @Param('id', UuidPipe) id: string, @Query() form: Customer360Form) {
    const session = request.consoleSession!;
    const zone = form.zone ?? CENTRE_ZONE;
    const view = await this.customers.view(id, session, zone);
    return this.views.page(session, 'customers/customer', {
      title: view.customer.externalRef,
      active: '/console/customers',
      zone,
      zones: ZONES,
      canReadTimeline: session.role === 'ops' || session.role === 'admin',
      ...view,
      // One row per purpose, one cell per channel.
      grid: groupByPurpose(view.reachability.decisions, session.locale),
    });
  }
}

function groupByPurpose<T extends { purpose: string; reasons: { text: Record<string, string> }[] }>(
  decisions: T[],
  locale: string,
) {
  const rows: { purpose: string; cells: (T & { said: string[] })[] }[] = [];
  for (const decision of decisions) {
    let row = rows.find((r) => r.purpose === decision.purpose);
    if (!row) rows.push((row = { purpose: decision.purpose, cells: [] }));
    row.cells.push({ ...decision, said: decision.reasons.map((reason) => reason.text[locale]) });
  }
  return rows;
}
