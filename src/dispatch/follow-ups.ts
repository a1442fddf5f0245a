import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ClaimedTask, OutboxRepository, TaskQuery } from './outbox.repository';
import { sql } from '../database/sql';

/**
 * A campaign's later steps: created when the previous step was sent, due `afterHours` later, and
 * run only if their condition still holds then (checked when claimed).
 */
@Injectable()
export class FollowUps {
  constructor(private readonly outbox: OutboxRepository) {}

  /** Queues the next step, if the plan has one, for each task just sent, with the campaign's message values. */
  async queueNext(manager: EntityManager, sent: { task: ClaimedTask; locale: string }[], now: Date): Promise<void> {
    const campaignTasks = sent.filter(({ task }) => task.campaignId);
    if (campaignTasks.length === 0) return;
    await this.outbox.enqueueSelected(manager, {
      ...nextStepsFrom(`(SELECT x.task_id, x.locale, $3::timestamptz AS sent_at
                          FROM unnest($1::uuid[], $2::text[]) AS x(task_id, locale))`),
      params: [campaignTasks.map(({ task }) => task.id), campaignTasks.map(({ locale }) => locale), now],
    });
  }

  /** The follow-up tasks whose condition no longer holds: the customer replied, or it was delivered. */
  async unmet(manager: EntityManager, tasks: ClaimedTask[]): Promise<Set<string>> {
    const conditional = tasks.filter((t) => t.previousTaskId && t.condition && t.condition !== 'always');
    if (conditional.length === 0) return new Set();
    const rows = await sql<{ id: string }>(
      manager,
      `SELECT x.id
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(id, previous_task_id, condition)
         LEFT JOIN LATERAL (
           SELECT bool_or(a.status IN ('delivered', 'completed')) AS reached, min(a.attempted_at) AS since
             FROM contact_attempts a WHERE a.task_id = x.previous_task_id) p ON true
         LEFT JOIN LATERAL (
           SELECT count(*) > 0 AS replied
             FROM inbound_messages m
             JOIN contact_tasks prev ON prev.id = x.previous_task_id
            WHERE m.customer_id = prev.customer_id AND m.received_at >= p.since) r ON true
        WHERE (x.condition IN ('not_delivered', 'no_reply_and_not_delivered') AND coalesce(p.reached, false))
           OR (x.condition IN ('no_reply', 'no_reply_and_not_delivered') AND coalesce(r.replied, false))`,
      [conditional.map((t) => t.id), conditional.map((t) => t.previousTaskId), conditional.map((t) => t.condition)],
    );
    return new Set(rows.map((row) => row.id));
  }
}

/**
 * The next steps of the tasks in relation `sent` (task_id, locale, sent_at), for `insertTasks`;
 * a task that is not a campaign's, or is its plan's last step, has none.
 */
export function nextStepsFrom(sent: string): Omit<TaskQuery, 'params'> {
  return {
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
      'condition',
      'previous_task_id',
      'variables',
    ],
    select: `SELECT t.customer_id, t.campaign_id, t.run_id, t.step + 1, t.purpose, s.channel, s.template,
            (k.pinned_versions ->> (s.template || '/' || x.locale || '/' || s.channel)),
            t.priority, x.sent_at + make_interval(secs => coalesce(s."afterHours", 0)::float * 3600),
            k.ends_at, coalesce(s.when, 'always'), t.id, t.variables
       FROM ${sent} x
       JOIN contact_tasks t ON t.id = x.task_id
       JOIN campaigns k ON k.id = t.campaign_id
       CROSS JOIN LATERAL jsonb_to_record(k.plan -> (t.step + 1)) AS s(channel text, template text, "afterHours" numeric, "when" text)
      WHERE s.channel IS NOT NULL`,
  };
}
