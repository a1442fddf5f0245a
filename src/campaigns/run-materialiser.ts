import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PURPOSE_PRIORITY } from '../dispatch/contact-task.entity';
import { Campaign } from './campaign.entity';

export interface AudienceCondition {
  /** A boolean SQL condition over `customers c`, with `$n` placeholders from `firstParam` on. */
  where: string;
  params: unknown[];
}

/**
 * Turns a campaign run into contact tasks for the plan's first step, in one `INSERT … SELECT`.
 * The run key makes it idempotent: a repeated tick, a restart or a second instance finds the run
 * taken (or the task already there) and adds nothing.
 */
@Injectable()
export class RunMaterialiser {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The placeholder number the audience condition must start at. */
  static readonly FIRST_AUDIENCE_PARAM = 10;

  async materialise(campaign: Campaign, runKey: string, audience: AudienceCondition, now: Date): Promise<number> {
    const [first] = campaign.plan;
    return this.db.transaction(async (manager) => {
      const [run] = await manager.query(
        `INSERT INTO campaign_runs (campaign_id, run_key) VALUES ($1, $2)
         ON CONFLICT (campaign_id, run_key) DO NOTHING RETURNING id`,
        [campaign.id, runKey],
      );
      if (!run) return 0;
      const [{ count }] = await manager.query(
        `WITH created AS (
           INSERT INTO contact_tasks (customer_id, campaign_id, run_id, step, purpose, channel, template_key,
                                      template_version, priority, due_at, expires_at)
           SELECT c.id, $1, $2, 0, $3, $4, $5, ($6::jsonb ->> ($5 || '/' || c.locale || '/' || $4)), $7, $8, $9
             FROM customers c
            WHERE ${audience.where}
           ON CONFLICT DO NOTHING
           RETURNING 1)
         SELECT count(*)::int AS count FROM created`,
        [
          campaign.id,
          run.id,
          campaign.purpose,
          first.channel,
          first.template,
          JSON.stringify(campaign.pinnedVersions ?? {}),
          PURPOSE_PRIORITY[campaign.purpose] + campaign.priority,
          now,
          campaign.endsAt,
          ...audience.params,
        ],
      );
      await manager.query('UPDATE campaign_runs SET materialised = $2 WHERE id = $1', [run.id, count]);
      return count;
    });
  }
}
