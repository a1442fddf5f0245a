import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { Principal } from '../auth/role';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/domain-error';
import { Page, PageQuery } from '../common/pagination';
import { Campaign } from './campaign.entity';
import { CampaignLauncher } from './campaign-launcher';
import { CampaignResults, Forecast, Funnel } from './campaign-results';
import { CampaignScheduler } from './campaign.scheduler';
import { CampaignAction, CampaignStatus, nextStatus } from './campaign-lifecycle';
import { campaignShapeProblems } from './campaign-shape.rules';
import { CreateCampaignDto } from './dto/create-campaign.dto';

@Injectable()
export class CampaignsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly launcher: CampaignLauncher,
    private readonly scheduler: CampaignScheduler,
    private readonly results: CampaignResults,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateCampaignDto, by: Principal): Promise<Campaign> {
    const problems = campaignShapeProblems(input);
    if (problems.length) throw new ValidationFailedError(problems);
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

  async list(page: PageQuery, status?: CampaignStatus): Promise<Page<Campaign>> {
    const [items, total] = await this.db.getRepository(Campaign).findAndCount({
      where: status ? { status } : {},
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

  async forecast(id: string): Promise<Forecast> {
    return this.results.forecast(await this.get(id));
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
        await manager.query(
          `UPDATE contact_tasks SET status = 'cancelled', lease_until = NULL, claimed_by = NULL, updated_at = now(),
                  reasons = reasons || '[{"code": "CAMPAIGN_CANCELLED"}]'::jsonb
            WHERE campaign_id = $1 AND status IN ('pending', 'claimed')`,
          [id],
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
    startsAt: new Date(input.startsAt),
    endsAt: new Date(input.endsAt),
    recurrenceCron: input.recurrence?.cron ?? null,
    recurrenceZone: input.recurrence?.zone ?? null,
    sendRatePerSecond: input.sendRatePerSecond ?? null,
    priority: input.priority ?? 0,
  };
}
