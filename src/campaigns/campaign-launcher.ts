import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/domain-error';
import { TemplatesService } from '../templates/templates.service';
import { TEMPLATE_CHANNEL } from '../dispatch/contact-task.entity';
import { Campaign } from './campaign.entity';
import { CampaignApprovals } from './campaign-approvals.service';
import { nextStatus } from './campaign-lifecycle';
import { CampaignAudience } from './campaign-audience';
import { CampaignAudienceRepository } from './campaign-audience.repository';
import { CampaignRunsRepository } from './campaign-runs.repository';
import { CampaignTemplates, pinKey } from './campaign-templates';
import { moneyValues } from './campaign-variables.rules';
import { AudienceCondition, RunMaterialiser } from './run-materialiser';

/**
 * Launch checks everything a run will need — the audience resolves, a second manager approved it
 * if its purpose or size asks for one (CampaignApprovals), every step's template exists
 * for every locale in the audience, speaks to the campaign's purpose and has the fields its
 * customers carry; the campaign's message values fit the very versions it pins, and its amounts
 * are in the currency its customers hold — then pins the template versions, so a file edited
 * later changes nothing.
 */
@Injectable()
export class CampaignLauncher {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audience: CampaignAudience,
    private readonly audienceFigures: CampaignAudienceRepository,
    private readonly runs: CampaignRunsRepository,
    private readonly templates: TemplatesService,
    private readonly campaignTemplates: CampaignTemplates,
    private readonly materialiser: RunMaterialiser,
    private readonly approvals: CampaignApprovals,
    private readonly clock: Clock,
  ) {}

  /**
   * The checks read the campaign without holding it (they take many queries); the launch itself is
   * decided under the row's lock, where the approval is read again and the revision must be the one
   * checked — so an edit or a rejection committed meanwhile is never outrun by the launch.
   */
  async launch(id: string): Promise<Campaign> {
    const campaign = await this.db.getRepository(Campaign).findOneBy({ id });
    if (!campaign) throw new NotFoundError('campaign', id);
    // A launched or cancelled campaign is refused (409) before any check runs; the lock below asks again.
    nextStatus(campaign.status, 'launch');
    const now = this.clock.now();
    const audience = await this.audience.condition(campaign, now);
    const locales = await this.audienceFigures.locales(audience);
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
    // A file edited since the draft was checked may need a value it does not give.
    await this.campaignTemplates.assertFits(campaign, pins);
    await this.assertAudienceHoldsCurrency(campaign, audience);
    const audienceSize = locales.reduce((sum, { customers }) => sum + customers, 0);
    return this.db.transaction(async (manager) => {
      const repository = manager.getRepository(Campaign);
      const held = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!held) throw new NotFoundError('campaign', id);
      const launched = nextStatus(held.status, 'launch');
      if (held.revision !== campaign.revision) {
        throw new DomainError('CAMPAIGN_CHANGED', 'the campaign was edited while it was being launched', HttpStatus.CONFLICT, [
          { field: 'revision', reason: `is ${held.revision}, the launch checked ${campaign.revision}` },
        ]);
      }
      // Last: what is wrong with the campaign itself is worth knowing before asking a second manager.
      this.approvals.assertMayLaunch(held, audienceSize);
      return repository.save(repository.merge(held, { pinnedVersions: pins, status: launched, launchedAt: now }));
    });
  }

  /** Refuses (422) an audience with customers holding another currency than the campaign's amounts. */
  private async assertAudienceHoldsCurrency(campaign: Campaign, audience: AudienceCondition): Promise<void> {
    const [money] = moneyValues(campaign.variables);
    if (!money) return;
    const row = await this.audienceFigures.currencies(audience, money.currency);
    if (row.other > 0) {
      throw new DomainError(
        'CAMPAIGN_AUDIENCE_CURRENCY',
        `${row.other} of the ${row.total} customers hold their card in ${row.currencies.join(', ')}, not ${money.currency}`,
        HttpStatus.UNPROCESSABLE_ENTITY,
        [
          {
            field: `variables.${money.path}.currency`,
            reason: `${row.other} of ${row.total} customers hold their card in ${row.currencies.join(', ')}`,
          },
        ],
      );
    }
  }

  /**
   * Starts a launched campaign's run for a period. Idempotent: the run key is taken once, so a
   * repeated tick or a second instance adds nothing.
   */
  async startRun(campaign: Campaign, runKey: string): Promise<number> {
    const now = this.clock.now();
    const audience = await this.audience.condition(campaign, now, RunMaterialiser.FIRST_AUDIENCE_PARAM);
    const created = await this.materialiser.materialise(campaign, runKey, audience, now);
    await this.runs.markRunning(campaign.id);
    return created;
  }
}
