import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { Roles } from '../../auth/roles.decorator';
import { Clock } from '../../common/clock';
import { UuidPipe } from '../../common/uuid.pipe';
import { EligibilityService } from '../../compliance/eligibility.service';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews } from '../console-views';
import { eligibilityAnswer } from './eligibility-answer.rules';
import { askView, EligibilityAskForm, readEligibilityAsk } from './eligibility-ask.form';
import { CENTRE_ZONE } from './ops-filters.form';

/**
 * "Could we contact them at…?" from a customer's timeline: the decision EligibilityService makes
 * for `GET /customers/:id/eligibility?at=`, said in the viewer's language. Same roles as the
 * timeline it is asked from.
 */
@ConsolePages()
@Roles('ops')
@Controller('console/ops/customers')
export class OpsEligibilityController {
  constructor(
    private readonly eligibility: EligibilityService,
    private readonly clock: Clock,
    private readonly views: ConsoleViews,
  ) {}

  @Get(':id/eligibility')
  async ask(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Param('id', UuidPipe) id: string,
    @Query() form: EligibilityAskForm,
  ) {
    const session = request.consoleSession!;
    const page = (data: object) => this.views.page(session, 'ops/eligibility', { active: '/console/ops/log', ...data });
    // Opened without a question (a bookmark, a link): the form alone.
    if (!form.purpose && !form.channel && !form.at) return page({ ask: askView(id, form, form.zone || CENTRE_ZONE) });
    const asked = readEligibilityAsk(form);
    if (!asked.ok) {
      response.status(400);
      return page({ ask: askView(id, form, asked.zone, asked.problems) });
    }
    const explanation = await this.eligibility.explain(
      { customerId: id, purpose: asked.purpose, channel: asked.channel },
      asked.at,
    );
    return page({
      ask: askView(id, form, asked.zone),
      answer: eligibilityAnswer(explanation, session.locale, this.clock.now()),
    });
  }
}
