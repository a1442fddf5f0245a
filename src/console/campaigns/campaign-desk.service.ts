import { Injectable } from '@nestjs/common';
import { Principal } from '../../auth/role';
import { Campaign } from '../../campaigns/campaign.entity';
import { CampaignApprovals } from '../../campaigns/campaign-approvals.service';
import { percentOf } from '../../campaigns/campaign-progress.rules';
import { CampaignStatus } from '../../campaigns/campaign-lifecycle';
import { CampaignPreview, StepPreview } from '../../campaigns/campaign-preview';
import { CampaignTemplates } from '../../campaigns/campaign-templates';
import { CampaignsService } from '../../campaigns/campaigns.service';
import { Clock } from '../../common/clock';
import { PageQuery } from '../../common/pagination';
import { CHANNELS, TEMPLATE_CHANNEL } from '../../dispatch/contact-task.entity';
import { SegmentsService } from '../../segments/segments.service';
import { sendsChart } from './campaign-timeseries.rules';
import { TemplatesService } from '../../templates/templates.service';
import {
  campaignActions,
  campaignFromForm,
  CENTRE_ZONE,
  choices,
  defaultSchedule,
  etaWords,
  approvalView,
  formFromCampaign,
  launchReviewView,
  funnelChart,
  funnelTable,
  isLive,
  label,
  reachabilityTable,
  variableFacts,
  variableRows,
} from './campaign-console.rules';
import { CampaignForm } from './campaign.form';
import { CampaignDeskRepository } from './campaign-desk.repository';

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
    private readonly campaignTemplates: CampaignTemplates,
    private readonly previews: CampaignPreview,
    private readonly approvals: CampaignApprovals,
    private readonly clock: Clock,
    private readonly desk: CampaignDeskRepository,
  ) {}

  /**
   * The campaign's attempts hour by hour: sent (the provider took it), delivered (or a call
   * completed), failed (refused, undelivered, unanswered) — the "over time" beside the funnel.
   */
  async sendsOverTime(campaignId: string, zone: string) {
    return sendsChart(await this.desk.sendsByHour(campaignId), zone);
  }

  /** A page of campaigns, each with the tasks it targeted and how many were sent. */
  async list(page: PageQuery, status?: CampaignStatus, nameContains?: string) {
    const campaigns = await this.campaigns.list(page, status, nameContains);
    const counts = await this.campaigns.counts(campaigns.items.map((campaign) => campaign.id));
    return {
      ...campaigns,
      items: campaigns.items.map((campaign) => {
        const { targeted, sent } = counts.get(campaign.id) ?? { targeted: 0, sent: 0 };
        return {
          ...campaign,
          statusLabel: label('status', campaign.status),
          purposeLabel: label('purpose', campaign.purpose),
          targeted,
          sent,
          sentPercent: percentOf(sent, targeted),
        };
      }),
    };
  }

  /**
   * What the form offers: the saved segments, the templates, a schedule from now, and the message
   * value inputs — shown for the fields the form's chosen templates use, with which fields each
   * template and channel uses (`template/channel` → paths) for the page's script to follow a choice.
   */
  async formChoices(form?: CampaignForm) {
    const [segments, templates] = [await this.segments.list(ALL), this.templates.list(ALL)];
    const variableUse: Record<string, string[]> = {};
    for (const { key } of templates.items) {
      for (const channel of CHANNELS) {
        const fields = await this.campaignTemplates.neededFields([{ template: key, channel }]);
        if (fields.length) variableUse[`${key}/${channel}`] = fields.map((field) => field.path);
      }
    }
    const needed = form ? await this.neededFields(form) : [];
    return {
      segments: segments.items.map(({ id, name }) => ({ id, name })),
      templates: templates.items.map(({ key, purpose, variants }) => ({
        key,
        purpose,
        channels: CHANNELS.filter((channel) => variants.some((v) => v.channel === TEMPLATE_CHANNEL[channel])),
      })),
      defaults: { zone: CENTRE_ZONE, ...defaultSchedule(this.clock.now(), CENTRE_ZONE) },
      variableUse,
      variables: variableRows(needed, form?.variables),
    };
  }

  /** The form's plan as the audience will read it, with the values given (samples for the rest), nothing saved. */
  async previewForm(form: CampaignForm) {
    const campaign = campaignFromForm(
      form,
      (await this.neededFields(form)).map((field) => field.path),
    );
    return this.labelled(await this.previews.preview(campaign.plan, (campaign.variables ?? {}) as Campaign['variables']));
  }

  async create(form: CampaignForm, by: Principal): Promise<Campaign> {
    const use = (await this.neededFields(form)).map((field) => field.path);
    return this.campaigns.create(campaignFromForm(form, use), by);
  }

  /** A draft as its edit form shows it, times in the centre's zone. */
  async editForm(id: string) {
    const campaign = await this.campaigns.get(id);
    return { campaign, form: formFromCampaign(campaign, CENTRE_ZONE) };
  }

  /** A draft changed through its form: checked as the API checks a PATCH (its approval lapses there too). */
  async update(id: string, form: CampaignForm): Promise<Campaign> {
    const use = (await this.neededFields(form)).map((field) => field.path);
    const { name, description, purpose, audience, plan, variables, startsAt, endsAt, recurrence, sendRatePerSecond, priority } =
      campaignFromForm(form, use);
    return this.campaigns.update(id, {
      name,
      // An emptied input clears what it held.
      description: description ?? '',
      purpose,
      audience,
      plan,
      variables: variables ?? {},
      startsAt,
      endsAt,
      recurrence,
      sendRatePerSecond,
      priority,
    });
  }

  approve(id: string, by: Principal, revision?: number): Promise<Campaign> {
    return this.approvals.approve(id, by, revision);
  }

  reject(id: string, by: Principal, reason: string): Promise<Campaign> {
    return this.approvals.reject(id, by, reason);
  }

  /** The page a lifecycle button leads to: what will happen, and for a launch the whole review, before anything does. */
  async confirmation(id: string, action: CampaignAct) {
    const campaign = await this.campaigns.get(id);
    const review = action === 'launch' ? launchReviewView(await this.campaigns.launchReview(id)) : undefined;
    return {
      campaign,
      action,
      actionLabel: label('action', action),
      statusLabel: label('status', campaign.status),
      review,
      allowed: campaignActions(campaign.status).includes(action),
    };
  }

  /** The message fields the form's chosen templates use. */
  private neededFields(form: CampaignForm) {
    const chosen = (form.steps ?? []).flatMap((step) =>
      step.template ? [{ channel: step.channel, template: step.template }] : [],
    );
    return this.campaignTemplates.neededFields(chosen);
  }

  /** Each step as the page shows it: its channel's name beside the messages. */
  private labelled(previews: StepPreview[]) {
    return previews.map((preview) => ({ ...preview, channelLabel: label('channel', preview.channel) }));
  }

  /** A campaign's page: what it is, what each step says, the forecast before launch, the funnel after. */
  async page(id: string) {
    const campaign = await this.campaigns.get(id);
    const [segment, previews, forecast, funnel] = await Promise.all([
      campaign.segmentId ? this.segments.get(campaign.segmentId) : undefined,
      this.previews.ofCampaign(campaign).then((steps) => this.labelled(steps)),
      campaign.status === 'draft' ? this.campaigns.forecast(id) : undefined,
      this.funnel(campaign),
    ]);
    // Past the draft, the audience that mattered was the one at launch: the reasons are for drafts, the record for all.
    const approval = await this.approvals.state(campaign, forecast?.audience ?? 0);
    return {
      campaign,
      purposeLabel: label('purpose', campaign.purpose),
      segmentName: segment?.name,
      variables: variableFacts(campaign.variables),
      previews,
      forecast: forecast && { ...forecast, reachability: reachabilityTable(forecast.reachability) },
      funnel,
      actions: choices('action', campaignActions(campaign.status)),
      approval: approvalView(approval),
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
      progress: funnel.progress,
      eta: etaWords(funnel.progress.etaSeconds),
      steps: funnel.steps,
      reasons: Object.entries(funnel.reasons).map(([code, count]) => ({ code, count })),
    };
  }

  async act(id: string, action: CampaignAct): Promise<Campaign> {
    return action === 'launch' ? this.campaigns.launch(id) : this.campaigns.transition(id, action);
  }
}
