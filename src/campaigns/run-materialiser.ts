import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PURPOSE_PRIORITY } from '../dispatch/contact-task.entity';
import { OutboxRepository } from '../dispatch/outbox.repository';
import { withSessionLock } from '../database/job-lock';
import { Campaign } from './campaign.entity';
import { CampaignRunsRepository } from './campaign-runs.repository';
import { campaignCurrency, messageVariables } from './campaign-variables.rules';

export interface AudienceCondition {
  /** A boolean SQL condition over `customers c`, with `$n` placeholders from `firstParam` on. */
  where: string;
  params: unknown[];
}

/**
 * Turns a campaign run into contact tasks for the plan's first step, set-based. The run key and
 * the unique (run, customer, step) key make it idempotent: a repeated tick, a restart or a second
 * instance adds nothing twice.
 */
@Injectable()
export class RunMaterialiser {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly runs: CampaignRunsRepository,
  ) {}

  /** The placeholder number the audience condition must start at. */
  static readonly FIRST_AUDIENCE_PARAM = 12;
  /** Concurrent slices of the audience: the cores of a small database server. */
  static readonly SLICES = 2;

  /**
   * Creates the run's tasks; returns how many this call created. The audience is split in
   * `SLICES` by a hash of the customer id, each slice one `INSERT … SELECT` on a connection of
   * its own, so the writing is spread over the server's cores. A run left half-made by a crash is
   * finished by the next tick: `completed_at` stays empty until every slice is in, and the unique
   * key makes a repeated slice add nothing. Each task carries the campaign's message values; a
   * campaign giving an amount speaks only to customers holding its currency (launch refused an
   * audience with others; a later run of a recurring campaign leaves newcomers in another out
   * rather than show them an amount in the wrong currency).
   */
  async materialise(campaign: Campaign, runKey: string, audience: AudienceCondition, now: Date): Promise<number> {
    const run = await this.runs.open(campaign.id, runKey);
    if (run.completed_at) return 0;
    // One writer a run: a second (the sweep, as the launch writes it) leaves it to the first, rather
    // than write the same rows slice against slice — which deadlocks when their scans cross.
    const created = await withSessionLock(this.db, `campaign-run:${run.id}`, async () => {
      if (await this.runs.isComplete(run.id)) return 0;
      const count = await this.writeSlices(campaign, run.id, audience, now);
      await this.runs.complete(run.id);
      return count;
    });
    return created ?? 0;
  }

  /** Each slice of the audience in one `INSERT … SELECT`, the slices at once; how many tasks they added. */
  private async writeSlices(campaign: Campaign, runId: string, audience: AudienceCondition, now: Date): Promise<number> {
    const [first] = campaign.plan;
    const counts = await Promise.all(
      Array.from({ length: RunMaterialiser.SLICES }, (_, slice) =>
        this.outbox.enqueueSelected(this.db.manager, {
          columns: [
            'customer_id',
            'campaign_id',
            'run_id',
            'step',
            'purpose',
            'channel',
            'template_key',
            'template_version',
            'priority',
            'due_at',
            'expires_at',
            'variables',
          ],
          select: `SELECT c.id, $1, $2, 0, $3, $4, $5, ($6::jsonb ->> ($5 || '/' || c.locale || '/' || $4)), $7, $8, $9, $10::jsonb
               FROM customers c
              WHERE ${audience.where} AND abs(hashtext(c.id::text)) % ${RunMaterialiser.SLICES} = ${slice}
                AND ($11::text IS NULL OR c.currency = $11::text)`,
          params: [
            campaign.id,
            runId,
            campaign.purpose,
            first.channel,
            first.template,
            JSON.stringify(campaign.pinnedVersions ?? {}),
            PURPOSE_PRIORITY[campaign.purpose] + campaign.priority,
            now,
            campaign.endsAt,
            JSON.stringify(messageVariables(campaign.variables ?? {})),
            campaignCurrency(campaign.variables ?? {}) ?? null,
            ...audience.params,
          ],
        }),
      ),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }
}
