import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/domain-error';
import { Locale } from '../customers/customer.entity';
import { TemplatesService } from '../templates/templates.service';
import { TEMPLATE_CHANNEL } from '../dispatch/contact-task.entity';
import { Campaign } from './campaign.entity';
import { nextStatus } from './campaign-lifecycle';
import { CampaignAudience } from './campaign-audience';
import { RunMaterialiser } from './run-materialiser';

/** The key under which a campaign pins one template variant's version. */
export const pinKey = (template: string, locale: string, channel: string) => `${template}/${locale}/${channel}`;

/**
 * Launch checks everything a run will need — the audience resolves, every step's template exists
 * for every locale in the audience, speaks to the campaign's purpose and has the fields its
 * customers carry — then pins the template versions, so a file edited later changes nothing.
 */
@Injectable()
export class CampaignLauncher {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audience: CampaignAudience,
    private readonly templates: TemplatesService,
    private readonly materialiser: RunMaterialiser,
    private readonly clock: Clock,
  ) {}

  async launch(id: string): Promise<Campaign> {
    const repository = this.db.getRepository(Campaign);
    const campaign = await repository.findOneBy({ id });
    if (!campaign) throw new NotFoundError('campaign', id);
    const launched = nextStatus(campaign.status, 'launch');
    const now = this.clock.now();
    const audience = await this.audience.condition(campaign, now);
    const locales: { locale: Locale }[] = await this.db.query(
      `SELECT DISTINCT locale FROM customers c WHERE ${audience.where}`,
      audience.params,
    );
    if (locales.length === 0) {
      throw new DomainError('CAMPAIGN_AUDIENCE_EMPTY', 'the audience has no customers', HttpStatus.UNPROCESSABLE_ENTITY, [
        { field: 'audience', reason: 'selects no customer' },
      ]);
    }
    const pins: Record<string, string> = {};
    for (const [i, step] of campaign.plan.entries()) {
      const channel = TEMPLATE_CHANNEL[step.channel];
      const { purpose } = await this.templates.describe(step.template);
      if (purpose !== campaign.purpose) {
        throw new DomainError(
          'CAMPAIGN_TEMPLATE_PURPOSE',
          `template ${step.template} is for ${purpose}, not ${campaign.purpose}`,
          HttpStatus.UNPROCESSABLE_ENTITY,
          [{ field: `plan.${i}.template`, reason: `is a ${purpose} template` }],
        );
      }
      for (const { locale } of locales)
        pins[pinKey(step.template, locale, step.channel)] = this.templates.pin(step.template, locale, channel);
      await this.templates.assertAudienceFits(step.template, audience, channel);
    }
    campaign.pinnedVersions = pins;
    campaign.status = launched;
    campaign.launchedAt = now;
    await repository.save(campaign);
    return campaign;
  }

  /**
   * Starts a launched campaign's run for a period. Idempotent: the run key is taken once, so a
   * repeated tick or a second instance adds nothing.
   */
  async startRun(campaign: Campaign, runKey: string): Promise<number> {
    const now = this.clock.now();
    const audience = await this.audience.condition(campaign, now, RunMaterialiser.FIRST_AUDIENCE_PARAM);
    const created = await this.materialiser.materialise(campaign, runKey, audience, now);
    await this.db.query(`UPDATE campaigns SET status = 'running', updated_at = now() WHERE id = $1 AND status = 'scheduled'`, [
      campaign.id,
    ]);
    return created;
  }
}
