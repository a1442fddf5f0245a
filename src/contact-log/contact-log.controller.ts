import { pipeline } from 'node:stream/promises';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Discloses } from '../auth/personal-data.interceptor';
import { AgentScope, Roles } from '../auth/roles.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { ContactLogService } from '../console/ops/contact-log.service';
import { Customer360Service } from '../console/customers/customer-360.service';
import { CustomerTimelineService } from '../console/ops/customer-timeline.service';
import { ContactLogQuery, ReachabilityQuery, TimelineQuery } from './dto/contact-log.query';
import { Answers, defineSchema, s } from '../common/api-responses';
import { CONSENT_CHANNELS_SCHEMA } from '../compliance/consent.schemas';
import { OUTCOME_PROFILE } from '../flows/outcomes/outcome.schemas';

const REASONS = s.array(s.object({ code: s.string(), text: s.string() }));

const LOG_ENTRY = defineSchema(
  'ContactLogEntry',
  s.object({
    id: s.uuid(),
    updatedAt: s.instant(),
    customerId: s.uuid(),
    customerRef: s.string(),
    customerName: s.string(),
    phone: s.nullable(s.string()),
    timezone: s.string(),
    campaignId: s.nullable(s.uuid()),
    campaignName: s.nullable(s.string()),
    purpose: s.string(),
    channel: s.string(),
    templateKey: s.string(),
    step: s.int(),
    status: s.string(),
    dueAt: s.instant(),
    attemptStatus: s.nullable(s.string()),
    attemptAt: s.nullable(s.instant()),
    providerRef: s.nullable(s.string()),
    why: s.string(),
    reasons: REASONS,
  }),
);

const LOG_PAGE = defineSchema('ContactLogPage', s.object({ items: s.array(s.ref(LOG_ENTRY)) }, { next: s.string() }));

const TIMELINE = defineSchema(
  'CustomerTimeline',
  s.object({
    customer: s.object({
      id: s.uuid(),
      externalRef: s.string(),
      fullName: s.string(),
      phone: s.nullable(s.string()),
      timezone: s.string(),
      country: s.string(),
      locale: s.string(),
      currency: s.string(),
    }),
    consent: CONSENT_CHANNELS_SCHEMA,
    profile: s.ref(OUTCOME_PROFILE),
    events: s.object({
      items: s.array(
        s.object(
          {
            at: s.instant(),
            kind: s.oneOf(['contact', 'call', 'message', 'reply', 'disposition', 'consent', 'fraud', 'payment']),
            tags: s.array(s.string()),
            text: s.string(),
          },
          { link: s.string(), reasons: REASONS },
        ),
      ),
      total: s.int(),
      limit: s.int(),
      offset: s.int(),
    }),
  }),
);

const THREE_WAY_TIME = s.object({ utc: s.instant(), customer: s.string(), viewer: s.string() });
const REACHABILITY_ANSWER = defineSchema(
  'CustomerReachability',
  s.object(
    {
      customerId: s.uuid(),
      at: THREE_WAY_TIME,
      customerZone: s.string(),
      viewerZone: s.string(),
      pack: s.string(),
      decisions: s.array(
        s.object(
          {
            purpose: s.string(),
            channel: s.string(),
            allowed: s.boolean(),
            final: s.boolean(),
            reasons: s.array(s.object({ code: s.string(), params: s.map(), text: s.map(s.string()) }, { until: s.instant() })),
          },
          { nextAllowedAt: THREE_WAY_TIME },
        ),
      ),
      caps: s.array(s.map()),
    },
    { fraudCaseId: s.uuid() },
  ),
);

/**
 * The console's contact log and customer timeline for the systems around Herald: the same
 * services, so the same filters, masking and sentences — the API adds each reason's code.
 */
@ApiTags('contact-log')
@Controller()
export class ContactLogController {
  constructor(
    private readonly log: ContactLogService,
    private readonly timelines: CustomerTimelineService,
    private readonly customers: Customer360Service,
  ) {}

  @Get('contact-log')
  @Roles('ops', 'integration')
  @Discloses('customer', 'list', { page: true })
  @ApiOperation({
    summary:
      'Every contact Herald planned, newest change first, each with why it is where it is (`why`) and its reasons as ' +
      'codes and words. Pages by cursor: pass the `next` of a page as `before`; stable while contacts change.',
  })
  @ApiProduces('application/json', 'text/csv')
  @Answers(LOG_PAGE, { description: 'a page `{ items, next }` (no `next` on the last), or with csv every row (text/csv)' })
  async contactLog(@Req() request: Request, @Query() query: ContactLogQuery, @Res({ passthrough: true }) response: Response) {
    const viewer = { locale: query.locale, role: request.principal!.role };
    if (
      query.format === 'csv' ||
      (query.format === undefined && request.accepts(['application/json', 'text/csv']) === 'text/csv')
    ) {
      // Personal data leaving Herald in bulk: who took which slice is evidence, as for the console's export.
      request.audit = {
        ...request.audit!,
        read: true,
        target: new URLSearchParams(request.query as Record<string, string>).toString() || 'all',
      };
      const csv = await this.log.csv(query, viewer);
      response.setHeader('Content-Type', 'text/csv; charset=utf-8');
      response.setHeader(
        'Content-Disposition',
        `attachment; filename="contact-log-${new Date().toISOString().slice(0, 10)}.csv"`,
      );
      await pipeline(csv, response);
      return;
    }
    return this.log.page(query, viewer);
  }

  @Get('customers/:id/timeline')
  @Roles('ops', 'integration')
  @Discloses('customer', 'list', { page: true })
  @ApiOperation({
    summary:
      "A customer's timeline, newest first: contacts (with their why and reasons), calls, replies, dispositions, " +
      'consent changes, fraud cases and payments; their consent now and contact profile',
  })
  @Answers(TIMELINE)
  timeline(@Req() request: Request, @Param('id', UuidPipe) id: string, @Query() query: TimelineQuery) {
    return this.timelines.timeline(id, query, { locale: query.locale, role: request.principal!.role });
  }

  @Get('customers/:id/reachability')
  @Roles('ops', 'campaign_manager', 'agent', 'integration')
  @AgentScope({ customer: 'id' })
  @ApiOperation({
    summary:
      'Can we contact this customer now? For every purpose on every channel: allowed or not, each rule in the way ' +
      '(code, parameters, a sentence in en and zh-CN), the next allowed instant in UTC, the customer’s zone and `zone`; ' +
      'and every cap of their rule pack with the contacts it counts now. The dispatcher’s own decision ' +
      '(EligibilityService), for fraud on the open case (`fraudCaseId`) or a new one. Names no person.',
  })
  @Answers(REACHABILITY_ANSWER)
  @ApiBadRequestResponse({ description: 'a bad id or `zone` (not an IANA time zone), named' })
  @ApiNotFoundResponse({ description: 'no such customer' })
  reachability(@Param('id', UuidPipe) id: string, @Query() query: ReachabilityQuery) {
    return this.customers.reachability(id, query.zone);
  }
}
