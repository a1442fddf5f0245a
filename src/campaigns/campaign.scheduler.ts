import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Interval, SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { CronJob } from 'cron';
import { DateTime } from 'luxon';
import { DataSource, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { Clock } from '../common/clock';
import { OutboxRepository } from '../dispatch/outbox.repository';
import { Campaign } from './campaign.entity';
import { CampaignLauncher } from './campaign-launcher';
import { CampaignRunsRepository } from './campaign-runs.repository';

const cronName = (campaignId: string) => `campaign:${campaignId}`;

/**
 * When campaigns run. Recurring ones are cron jobs in their own zone, registered from the
 * database at start-up and at launch; one-off ones start, and every campaign completes, in a
 * sweep every few seconds. Every instance does both: the run key makes each period's run happen
 * once, and the status updates are guarded by the status they expect.
 */
@Injectable()
export class CampaignScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('Campaigns');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly launcher: CampaignLauncher,
    private readonly outbox: OutboxRepository,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    private readonly runs: CampaignRunsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const recurring = await this.db.getRepository(Campaign).findBy({
      status: In(['scheduled', 'running']),
      recurrenceCron: Not(IsNull()),
    });
    recurring.forEach((campaign) => this.register(campaign));
  }

  /** Registers (again) a launched recurring campaign's cron job. */
  register(campaign: Campaign): void {
    if (!campaign.recurrenceCron || !campaign.recurrenceZone) return;
    this.unregister(campaign.id);
    const job = CronJob.from({
      cronTime: campaign.recurrenceCron,
      timeZone: campaign.recurrenceZone,
      onTick: () => void this.tick(campaign.id),
      start: true,
    });
    this.registry.addCronJob(cronName(campaign.id), job);
  }

  unregister(campaignId: string): void {
    if (this.registry.doesExist('cron', cronName(campaignId))) this.registry.deleteCronJob(cronName(campaignId));
  }

  /** A recurring campaign's period: the tick's minute in the campaign's zone names the run. */
  async tick(campaignId: string): Promise<number> {
    const campaign = await this.db.getRepository(Campaign).findOneBy({ id: campaignId });
    const now = this.clock.now();
    if (!campaign || !['scheduled', 'running'].includes(campaign.status) || now < campaign.startsAt || now >= campaign.endsAt)
      return 0;
    const runKey = DateTime.fromJSDate(now, { zone: campaign.recurrenceZone! })
      .startOf('minute')
      .toISO({ suppressMilliseconds: true })!;
    return this.start(campaign, runKey);
  }

  @Interval('campaign-sweep', 5000)
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const due = await this.db.getRepository(Campaign).findBy({
      status: 'scheduled',
      recurrenceCron: IsNull(),
      startsAt: LessThanOrEqual(now),
    });
    for (const campaign of due) await this.start(campaign, 'once');
    await this.completeEnded(now);
  }

  /** Past its end a campaign is completed and what it still had waiting expires. */
  async completeEnded(now: Date): Promise<void> {
    const ids = await this.runs.completeEnded(now);
    if (ids.length === 0) return;
    await this.outbox.withdraw(this.db.manager, { campaigns: ids }, { status: 'expired', reason: { code: 'CAMPAIGN_ENDED' } });
    ids.forEach((id) => this.unregister(id));
  }

  private async start(campaign: Campaign, runKey: string): Promise<number> {
    try {
      const created = await this.launcher.startRun(campaign, runKey);
      if (created > 0) this.logger.log({ campaignId: campaign.id, runKey, created }, 'campaign run materialised');
      return created;
    } catch (error) {
      this.logger.error({ err: error, campaignId: campaign.id, runKey }, 'could not start the campaign run');
      return 0;
    }
  }
}
