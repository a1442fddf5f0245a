import { Injectable } from '@nestjs/common';
import { Locale } from '../customers/customer.entity';
import { TEMPLATE_CHANNEL } from '../dispatch/contact-task.entity';
import { TemplatesService } from '../templates/templates.service';
import { CampaignPurpose, CampaignVariables, PlanStep } from './campaign.entity';
import {
  CampaignTemplateError,
  campaignTemplateProblems,
  neededFields,
  NeededField,
  PlannedStep,
} from './campaign-variables.rules';

/** The key under which a campaign pins one template variant's version. */
export const pinKey = (template: string, locale: string, channel: string) => `${template}/${locale}/${channel}`;

/**
 * A campaign's plan beside its templates: as they are now (a draft, created or edited) or as its
 * launch pinned them, and whether its purpose and message values fit them (the rules are pure:
 * `campaign-variables.rules.ts`).
 */
@Injectable()
export class CampaignTemplates {
  constructor(private readonly templates: TemplatesService) {}

  /** Each step with its template: the current versions, or with `pins` the pinned ones. */
  async planned(plan: Pick<PlanStep, 'channel' | 'template'>[], pins?: Record<string, string>): Promise<PlannedStep[]> {
    return Promise.all(
      plan.map(async (step) => ({
        step,
        template: await this.templates.forChannel(step.template, TEMPLATE_CHANNEL[step.channel], pins && pinnedOf(step, pins)),
      })),
    );
  }

  /** Refuses (422, naming each field) a plan and values its templates cannot be sent with. */
  async assertFits(
    campaign: { purpose: CampaignPurpose; plan: Pick<PlanStep, 'channel' | 'template'>[]; variables: CampaignVariables },
    pins?: Record<string, string>,
  ): Promise<void> {
    const problems = campaignTemplateProblems(campaign.purpose, await this.planned(campaign.plan, pins), campaign.variables);
    if (problems.length) throw new CampaignTemplateError(problems);
  }

  /** The message fields the plan's templates use (now), for a form to ask for. */
  async neededFields(plan: Pick<PlanStep, 'channel' | 'template'>[]): Promise<NeededField[]> {
    return neededFields(await this.planned(plan));
  }
}

/** A step's pinned versions by locale, from the campaign's `template/locale/channel` pins. */
function pinnedOf(step: Pick<PlanStep, 'channel' | 'template'>, pins: Record<string, string>): Partial<Record<Locale, string>> {
  const prefix = `${step.template}/`;
  const suffix = `/${step.channel}`;
  return Object.fromEntries(
    Object.entries(pins)
      .filter(([key]) => key.startsWith(prefix) && key.endsWith(suffix))
      .map(([key, version]) => [key.slice(prefix.length, -suffix.length), version]),
  );
}
