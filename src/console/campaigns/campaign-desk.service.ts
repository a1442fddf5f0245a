import { Injectable } from '@nestjs/common';
import { Principal } from '../../auth/role';
import { Campaign, PlanStep } from '../../campaigns/campaign.entity';
import { CampaignStatus } from '../../campaigns/campaign-lifecycle';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/domain-error';
import { PageQuery } from '../../common/pagination';
import { LOCALES } from '../../customers/customer.entity';
import { TEMPLATE_CHANNEL } from '../../dispatch/contact-task.entity';
import { SegmentsService } from '../../segments/segments.service';
import { TemplatePreviewService } from '../../templates/template-preview.service';
import { TemplatesService } from '../../templates/templates.service';
import {
  campaignActions,
  campaignFromForm,
  CENTRE_ZONE,
  choices,
  defaultSchedule,
  funnelChart,
  funnelTable,
  isLive,
  label,
  reachabilityTable,
} from './campaign-console.rules';
import { CampaignForm } from './campaign.form';

/** Enough for every choice in a form's drop-down; the lists are a centre's, not a book's. */
const ALL = { limit: 500, offset: 0 };

export type CampaignAct = ReturnType<typeof campaignActions>[number];

/** The campaign manager's desk: the new-campaign form, a campaign's page, its funnel, its lifecycle. */
@Injectable()
export class CampaignDeskService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly segments: SegmentsService,
    private readonly templates: TemplatesService,
    private readonly previews: TemplatePreviewService,
    private readonly clock: Clock,
  ) {}

  async list(page: PageQuery, status?: CampaignStatus) {
    const campaigns = await this.campaigns.list(page, status);
    return {
      ...campaigns,
      items: campaigns.items.map((campaign) => ({
        ...campaign,
        statusLabel: label('status', campaign.status),
        purposeLabel: label('purpose', campaign.purpose),
      })),
    };
  }

  /** What the form offers: the saved segments, the templates, and a schedule from now. */
  async formChoices() {
    const [segments, templates] = [await this.segments.list(ALL), this.templates.list(ALL)];
    return {
      segments: segments.items.map(({ id, name }) => ({ id, name })),
      templates: templates.items.map(({ key, purpose }) => ({ key, purpose })),
      defaults: { zone: CENTRE_ZONE, ...defaultSchedule(this.clock.now(), CENTRE_ZONE) },
    };
  }

  /** Each step's message in each language, rendered for the sample customer: what the audience will read. */
  async preview(plan: PlanStep[]) {
    return Promise.all(
      plan.map(async (step, i) => ({
        step: i + 1,
        ...step,
        channelLabel: label('channel', step.channel),
        variants: await Promise.all(
          LOCALES.map(async (locale) => {
            try {
              return await this.previews.preview(step.template, { locale, channel: TEMPLATE_CHANNEL[step.channel] });
            } catch (error) {
              // A missing variant or template is what the manager must see here, beside the step.
              if (error instanceof DomainError && error.status < 500) return { locale, problem: error.message };
              throw error;
            }
          }),
        ),
      })),
    );
  }

  /** The form's plan as the audience will read it, nothing saved. */
  async previewForm(form: CampaignForm) {
    return this.preview(campaignFromForm(form).plan);
  }

  async create(form: CampaignForm, by: Principal): Promise<Campaign> {
    return this.campaigns.create(campaignFromForm(form), by);
  }

  /** A campaign's page: what it is, what each step says, the forecast before launch, the funnel after. */
  async page(id: string) {
    const campaign = await this.campaigns.get(id);
    const [segment, previews, forecast, funnel] = await Promise.all([
      campaign.segmentId ? this.segments.get(campaign.segmentId) : undefined,
      this.preview(campaign.plan),
      campaign.status === 'draft' ? this.campaigns.forecast(id) : undefined,
      this.funnel(campaign),
    ]);
    return {
      campaign,
      purposeLabel: label('purpose', campaign.purpose),
      segmentName: segment?.name,
      previews,
      forecast: forecast && { ...forecast, reachability: reachabilityTable(forecast.reachability) },
      funnel,
      actions: choices('action', campaignActions(campaign.status)),
    };
  }

  /** The funnel as the page draws it; `live` while it can still move, so the page keeps refreshing. */
  async funnel(campaignOrId: Campaign | string) {
    const campaign = typeof campaignOrId === 'string' ? await this.campaigns.get(campaignOrId) : campaignOrId;
    const funnel = await this.campaigns.funnel(campaign.id);
    return {
      id: campaign.id,
      status: campaign.status,
      statusLabel: label('status', campaign.status),
      live: isLive(campaign.status),
      chart: funnelChart(funnel),
      ...funnelTable(funnel),
      steps: funnel.steps,
      reasons: Object.entries(funnel.reasons).map(([code, count]) => ({ code, count })),
    };
  }

  async act(id: string, action: CampaignAct): Promise<Campaign> {
    return action === 'launch' ? this.campaigns.launch(id) : this.campaigns.transition(id, action);
  }
}
