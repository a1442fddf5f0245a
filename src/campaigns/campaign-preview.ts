import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { LOCALES, Locale } from '../customers/customer.entity';
import { TEMPLATE_CHANNEL } from '../dispatch/contact-task.entity';
import { TemplatePreview, TemplatePreviewService } from '../templates/template-preview.service';
import { MessageVariables } from '../templates/template.model';
import type { DeclaredMessageField } from '../templates/templates.service';
import { Campaign, CampaignVariables, PlanStep } from './campaign.entity';
import { CampaignTemplates, pinKey } from './campaign-templates';
import { campaignCurrency, messageVariables } from './campaign-variables.rules';

/** One step's message in each language, or why that language cannot be shown. */
export interface StepPreview extends PlanStep {
  /** Counted from 1, as people count steps. */
  step: number;
  variants: (TemplatePreview | { locale: Locale; problem: string })[];
}

/**
 * What a campaign's customers will read: each step's template in each language, rendered for the
 * sample customer with the campaign's own message values (the pinned versions once launched).
 * A required value the campaign does not give yet shows as a sample and is listed in `sampled`;
 * an optional one it does not give is left out, as its customers will read the message.
 */
@Injectable()
export class CampaignPreview {
  constructor(
    private readonly previews: TemplatePreviewService,
    private readonly templates: CampaignTemplates,
  ) {}

  /** A campaign's messages: as launched (its pins), or as a draft would send them now. */
  async ofCampaign(campaign: Campaign): Promise<StepPreview[]> {
    return this.preview(campaign.plan, campaign.variables, campaign.pinnedVersions);
  }

  async preview(plan: PlanStep[], variables: CampaignVariables, pins?: Record<string, string> | null): Promise<StepPreview[]> {
    const given = messageVariables(variables);
    const currency = campaignCurrency(variables);
    // What each variant declares: the pinned version's, or for a language the audience lacked, the current one's.
    const [current, pinned] = await Promise.all([
      this.templates.planned(plan),
      pins ? this.templates.planned(plan, pins) : undefined,
    ]);
    return Promise.all(
      plan.map(async (step, i) => ({
        step: i + 1,
        ...step,
        variants: await Promise.all(
          LOCALES.map(async (locale) => {
            const variant = (of: typeof current | undefined) => of?.[i].template?.variants.find((v) => v.locale === locale);
            const declared = (variant(pinned) ?? variant(current))?.messageFields ?? [];
            try {
              return await this.previews.preview(step.template, {
                locale,
                channel: TEMPLATE_CHANNEL[step.channel],
                version: pins?.[pinKey(step.template, locale, step.channel)],
                variables: withoutOptionalSamples(given, declared),
                // An amount is shown in the currency the campaign gives it in, as its customers will see it.
                ...(currency ? { sample: { currency } } : {}),
              });
            } catch (error) {
              // A missing template or variant, or a value of the wrong kind, is what the manager must see, beside the step.
              if (error instanceof DomainError && error.status < 500) return { locale, problem: error.message };
              throw error;
            }
          }),
        ),
      })),
    );
  }
}

/** The given values, and null for each optional one not given: a preview fills in samples only for what is required. */
function withoutOptionalSamples(given: MessageVariables, declared: DeclaredMessageField[]): MessageVariables {
  const variables = structuredClone(given) as Record<string, Record<string, unknown>>;
  for (const { path, required } of declared) {
    const [group, name] = path.split('.');
    if (!required && name !== undefined && variables[group]?.[name] === undefined) (variables[group] ??= {})[name] = null;
  }
  return variables;
}
