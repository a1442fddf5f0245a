import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AttemptRecord, AttemptStatus } from './contact-attempt';

export interface AttemptResult {
  attemptId: string;
  status: AttemptStatus;
  providerRef?: string;
  errorCode?: string;
  detail?: string;
}

/**
 * The contact log. An attempt is written — and its task marked `sending` — in one transaction
 * that commits BEFORE the provider is called: whatever happens next, the log knows a message may
 * be on its way, and nothing will send it again blindly.
 */
@Injectable()
export class AttemptLog {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Opens attempts for tasks this worker still holds. A task cancelled or reaped since it was
   * claimed is not opened; the returned attempts are the ones that may be sent.
   */
  async open(worker: string, attempts: AttemptRecord[], leaseUntil: Date): Promise<AttemptRecord[]> {
    if (attempts.length === 0) return [];
    const opened: { id: string }[] = await this.db.query(
      `WITH held AS (
         UPDATE contact_tasks t
            SET status = 'sending', attempts = t.attempts + 1, lease_until = $12, updated_at = now()
          WHERE t.id = ANY($3::uuid[]) AND t.status = 'claimed' AND t.claimed_by = $13
          RETURNING t.id),
       opened AS (
         INSERT INTO contact_attempts (id, customer_id, task_id, campaign_id, subject_ref, purpose, channel, provider,
                                       status, template_key, template_version, attempted_at)
         SELECT a.id, a.customer_id, a.task_id, a.campaign_id, a.subject_ref, a.purpose, a.channel, a.provider,
                'pending', a.template_key, a.template_version, a.attempted_at
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::timestamptz[])
                AS a(id, customer_id, task_id, campaign_id, subject_ref, purpose, channel, provider, template_key,
                     template_version, attempted_at)
           JOIN held ON held.id = a.task_id
         RETURNING id)
       SELECT id FROM opened`,
      [
        attempts.map((a) => a.id),
        attempts.map((a) => a.customerId),
        attempts.map((a) => a.taskId),
        attempts.map((a) => a.campaignId),
        attempts.map((a) => a.subjectRef),
        attempts.map((a) => a.purpose),
        attempts.map((a) => a.channel),
        attempts.map((a) => a.provider),
        attempts.map((a) => a.templateKey),
        attempts.map((a) => a.templateVersion),
        attempts.map((a) => a.attemptedAt),
        leaseUntil,
        worker,
      ],
    );
    const ids = new Set(opened.map((row) => row.id));
    return attempts.filter((a) => ids.has(a.id));
  }

  /** Records what providers answered; a status only moves forward (see attempt_status_rank). */
  async record(results: AttemptResult[], manager: EntityManager = this.db.manager): Promise<void> {
    if (results.length === 0) return;
    await manager.query(
      `UPDATE contact_attempts a
          SET status = CASE WHEN attempt_status_rank(r.status) >= attempt_status_rank(a.status) THEN r.status ELSE a.status END,
              provider_ref = coalesce(a.provider_ref, r.provider_ref),
              error_code = coalesce(r.error_code, a.error_code),
              detail = coalesce(r.detail, a.detail),
              updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(id, status, provider_ref, error_code, detail)
        WHERE a.id = r.id`,
      [
        results.map((r) => r.attemptId),
        results.map((r) => r.status),
        results.map((r) => r.providerRef ?? null),
        results.map((r) => r.errorCode ?? null),
        results.map((r) => r.detail ?? null),
      ],
    );
  }
}
