import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, ILike, QueryFailedError } from 'typeorm';
import { Principal } from '../auth/role';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/domain-error';
import { Page, PageQuery } from '../common/pagination';
import { OutboxRepository } from '../dispatch/outbox.repository';
import { Campaign, CampaignVariables } from './campaign.entity';
import { CampaignLauncher } from './campaign-launcher';
import { CampaignPreview, StepPreview } from './campaign-preview';
import { CampaignResults, Forecast, Funnel } from './campaign-results';
import { CampaignScheduler } from './campaign.scheduler';
import { CampaignAction, CampaignStatus, nextStatus } from './campaign-lifecycle';
import { campaignShapeProblems } from './campaign-shape.rules';
import { CampaignTemplates } from './campaign-templates';
import { CreateCampaignDto } from './dto/create-campaign.dto';
import { UpdateCampaignDto } from './dto/update-campaign.dto';
import { LaunchReview, LaunchReviewService } from './launch-review.service';

@Injectable()
export class CampaignsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly launcher: CampaignLauncher,
    private readonly scheduler: CampaignScheduler,
    private readonly results: CampaignResults,
    private readonly templates: CampaignTemplates,
    private readonly previews: CampaignPreview,
    private readonly reviews: LaunchReviewService,
    private readonly outbox: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  /** A draft, once its shape holds and its plan's templates can be sent with its values (else 400/422). */
  async create(input: CreateCampaignDto, by: Principal): Promise<Campaign> {
    await this.assertValid(input);
    const repository = this.db.getRepository(Campaign);
    try {
      return await repository.save(repository.create({ ...toColumns(input), createdBy: by.userId }));
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
        throw new DomainError('CAMPAIGN_NAME_TAKEN', `a campaign named "${input.name}" exists`, HttpStatus.CONFLICT, [
          { field: 'name', reason: 'is taken' },
        ]);
      }
      throw error;
    }
  }

  /** A draft changed: the fields given replace its own, then the whole is checked as at creation; its approval lapses. */
  async update(id: string, changes: UpdateCampaignDto): Promise<Campaign> {
    return this.db.transaction(async (manager) => {
      const repository = manager.getRepository(Campaign);
      const campaign = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!campaign) throw new NotFoundError('campaign', id);
      if (campaign.status !== 'draft') {
        throw new DomainError('CAMPAIGN_NOT_DRAFT', `a ${campaign.status} campaign cannot be edited`, HttpStatus.CONFLICT, [
          { field: 'status', reason: `is ${campaign.status}` },
        ]);
      }
      const input = { ...fromColumns(campaign), ...withoutUndefined(changes) };
      await this.assertValid(input);
      // What was approved is not what will launch: a changed draft is approved again.
      return repository.save(repository.merge(campaign, { ...toColumns(input), approvedBy: null, approvedAt: null }));
    });
  }

  private async assertValid(input: CreateCampaignDto): Promise<void> {
    const problems = campaignShapeProblems(input);
    if (problems.length) throw new ValidationFailedError(problems);
    await this.templates.assertFits({ ...input, variables: variablesOf(input) });
  }

  /** Newest first; by status, and by a part of the name (`%` and `_` taken as typed). */
  async list(page: PageQuery, status?: CampaignStatus, nameContains?: string): Promise<Page<Campaign>> {
    const where: FindOptionsWhere<Campaign> = {};
    if (status) where.status = status;
    if (nameContains?.trim()) where.name = ILike(`%${nameContains.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const [items, total] = await this.db.getRepository(Campaign).findAndCount({
      where,
      order: { createdAt: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async get(id: string): Promise<Campaign> {
    const campaign = await this.db.getRepository(Campaign).findOneBy({ id });
    if (!campaign) throw new NotFoundError('campaign', id);
    return campaign;
  }

  /** Validates and pins; a one-off campaign whose start has come runs at once, a recurring one at its ticks. */
  async launch(id: string): Promise<Campaign> {
    const campaign = await this.launcher.launch(id);
    if (campaign.recurrenceCron) this.scheduler.register(campaign);
    else if (campaign.startsAt <= this.clock.now()) await this.launcher.startRun(campaign, 'once');
    return this.get(id);
  }

  async launchReview(id: string): Promise<LaunchReview> {
    return this.reviews.review(await this.get(id));
  }

  /** Tasks targeted and sent per campaign, for a list of them. */
  counts(ids: string[]): Promise<Map<string, { targeted: number; sent: number }>> {
    return this.results.counts(ids);
  }

  async forecast(id: string): Promise<Forecast> {
    return this.results.forecast(await this.get(id));
  }

  /** Each step's message in each language, with the campaign's values, for the sample customer. */
  async preview(id: string): Promise<StepPreview[]> {
    return this.previews.ofCampaign(await this.get(id));
  }

  async funnel(id: string): Promise<Funnel> {
    return this.results.funnel(await this.get(id));
  }

  /** Pause stops new claims at once (the dispatcher claims only running campaigns' tasks). */
  async transition(id: string, action: Exclude<CampaignAction, 'launch'>): Promise<Campaign> {
    return this.db.transaction(async (manager) => {
      const campaign = await manager.getRepository(Campaign).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!campaign) throw new NotFoundError('campaign', id);
      campaign.status = nextStatus(campaign.status, action);
      await manager.getRepository(Campaign).save(campaign);
      if (campaign.status === 'cancelled') {
        this.scheduler.unregister(id);
        await this.outbox.withdraw(
          manager,
          { campaigns: [id] },
          { status: 'cancelled', reason: { code: 'CAMPAIGN_CANCELLED' }, claimed: true },
        );
      }
      return campaign;
    });
  }
}

function toColumns(input: CreateCampaignDto): Partial<Campaign> {
  return {
    name: input.name,
    description: input.description ?? '',
    purpose: input.purpose,
    segmentId: input.audience.segmentId ?? null,
    audienceRefs: input.audience.customerRefs ?? null,
    plan: input.plan,
    variables: variablesOf(input),
    startsAt: new Date(input.startsAt),
    endsAt: new Date(input.endsAt),
    recurrenceCron: input.recurrence?.cron ?? null,
    recurrenceZone: input.recurrence?.zone ?? null,
    sendRatePerSecond: input.sendRatePerSecond ?? null,
    priority: input.priority ?? 0,
  };
}

/** A stored campaign in the terms it was created with, so an edit is checked as a creation is. */
function fromColumns(campaign: Campaign): CreateCampaignDto {
  return {
    name: campaign.name,
    description: campaign.description,
    purpose: campaign.purpose,
    audience: campaign.segmentId ? { segmentId: campaign.segmentId } : { customerRefs: campaign.audienceRefs ?? [] },
    plan: campaign.plan,
    variables: campaign.variables as CreateCampaignDto['variables'],
    startsAt: campaign.startsAt.toISOString(),
    endsAt: campaign.endsAt.toISOString(),
    ...(campaign.recurrenceCron ? { recurrence: { cron: campaign.recurrenceCron, zone: campaign.recurrenceZone! } } : {}),
    ...(campaign.sendRatePerSecond !== null ? { sendRatePerSecond: campaign.sendRatePerSecond } : {}),
    priority: campaign.priority,
  };
}

/** The values as plain JSON (the DTO's are class instances), nothing given as nothing. */
function variablesOf(input: CreateCampaignDto): CampaignVariables {
  return JSON.parse(JSON.stringify(input.variables ?? {})) as CampaignVariables;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
